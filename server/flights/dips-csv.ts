import { stringify } from 'csv-stringify/sync';
import type { DipsFlightPlan } from '../protocol/index.ts';

const KIND: Record<string, string> = {
  airplane: '飛行機',
  helicopter: '回転翼航空機（ヘリコプター）',
  multicopter: '回転翼航空機（マルチローター）',
  glider: '滑空機',
  airship: '飛行船',
};
const CATEGORY: Record<string, string> = {
  I: 'カテゴリーⅠ',
  IIA: 'カテゴリーⅡA',
  IIB: 'カテゴリーⅡB',
  III: 'カテゴリーⅢ',
};
const AIRSPACE: Record<string, string> = {
  airport: '空港等周辺',
  above_150m: '150m以上の高さの空域',
  did: '人口集中地区',
  emergency: '緊急用務空域',
};
const METHOD: Record<string, string> = {
  night: '夜間飛行',
  bvlos: '目視外飛行',
  near_people: '人又は物件から30m未満の飛行',
  event: '催し場所上空の飛行',
  dangerous_goods: '危険物の輸送',
  dropping: '物件の投下',
};

const point = (p: { lat: number; lon: number }) => `${p.lat.toFixed(6)} ${p.lon.toFixed(6)}`;
const declared = (d: DipsFlightPlan['entryControl']) =>
  d === null ? '' : `${d.present ? '有' : '無'}${d.detail ? `: ${d.detail}` : ''}`;
const text = (s: string | null | undefined) => s ?? '';

/** Each column: its heading (the filing's item, then our field) and its value. */
const COLUMNS: Array<[string, (p: DipsFlightPlan) => string | number]> = [
  ['飛行開始日時 (flightStart)', (p) => p.flightStart],
  ['飛行終了日時 (flightEnd)', (p) => p.flightEnd],
  ['飛行経路・範囲 (route.kind)', (p) => (p.route.kind === 'route' ? '経路' : '範囲')],
  ['座標 緯度 経度 (route.coordinates)', (p) => p.route.coordinates.map(point).join('; ')],
  ['半径 m (route.radiusM)', (p) => p.route.radiusM ?? ''],
  ['登録記号 (registrationMark)', (p) => p.registrationMark],
  ['無人航空機の種類 (aircraftKind)', (p) => (p.aircraftKind ? KIND[p.aircraftKind]! : '')],
  ['型式 (model)', (p) => text(p.model)],
  ['操縦者の氏名 (pilotName)', (p) => text(p.pilotName)],
  ['技能証明書番号 (pilotLicenceNumber)', (p) => text(p.pilotLicenceNumber)],
  ['許可・承認番号 (permitNumber)', (p) => text(p.permitNumber)],
  ['飛行の目的 (purpose)', (p) => text(p.purposeLabel)],
  ['飛行の目的の詳細 (purposeDetail)', (p) => text(p.purposeDetail)],
  ['飛行高度 地表から m (maxAltitudeAglM)', (p) => p.maxAltitudeAglM],
  ['飛行高度 海抜 m (maxAltitudeAmslM)', (p) => p.maxAltitudeAmslM],
  ['飛行速度 km/h (speedKmh)', (p) => p.speedKmh ?? ''],
  ['飛行カテゴリー (category)', (p) => (p.category ? CATEGORY[p.category]! : '')],
  ['飛行禁止空域 (restrictedAirspaces)', (p) => p.restrictedAirspaces.map((a) => AIRSPACE[a]!).join('; ')],
  ['飛行の方法 (flightMethods)', (p) => p.flightMethods.map((m) => METHOD[m]!).join('; ')],
  ['出発地 (departurePoint)', (p) => point(p.departurePoint)],
  ['目的地 (destination)', (p) => point(p.destination)],
  ['所要時間 分 (timeEnRouteMinutes)', (p) => p.timeEnRouteMinutes],
  ['立入管理措置 (entryControl)', (p) => declared(p.entryControl)],
  ['保険 (insurance)', (p) => declared(p.insurance)],
  ['連絡先 氏名 (contact.name)', (p) => text(p.contact?.name)],
  ['連絡先 電話 (contact.phone)', (p) => text(p.contact?.phone)],
  ['連絡先 メール (contact.email)', (p) => text(p.contact?.email)],
  ['その他参考となる事項 (remarks)', (p) => text(p.remarks)],
];

/** A spreadsheet reads a cell that starts like a formula as one: such text is kept as text. */
const inert = (v: string | number) => (typeof v === 'string' && /^[=+\-@\t\r]/.test(v) ? `'${v}` : v);

/**
 * The filing as CSV: a heading row and one row of values, UTF-8 with a byte-order mark so that a
 * spreadsheet opens the Japanese as Japanese.
 */
export function dipsCsv(plan: DipsFlightPlan): string {
  const rows = [COLUMNS.map(([heading]) => heading), COLUMNS.map(([, value]) => inert(value(plan)))];
  return `\ufeff${stringify(rows, { record_delimiter: 'windows' })}`;
}
