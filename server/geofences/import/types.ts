import type { Altitude, ZoneGeometry, ZoneKind } from '../../protocol/index.ts';

export type ImportFormat = 'geojson' | 'ed269' | 'ed318' | 'citygml';

/** One zone as a file defines it, before the loader stamps it with an id and the file it came from. */
export interface ZoneDraft {
  /** What identifies the zone within its file (feature id, zone identifier and layer, gml:id). */
  ref: string;
  name: string;
  kind: ZoneKind;
  lower: Altitude;
  upper: Altitude;
  validFrom: number | null;
  validTo: number | null;
  geometry: ZoneGeometry;
  /** The zone's properties as soramichi reads them, with the original definition under `original`. */
  properties: Record<string, unknown>;
  /** A building (obstacle) rather than a declared zone. */
  building: boolean;
}

/** Something in a file that is not imported, and why. */
export interface Skip {
  at: string;
  reason: string;
}

export type ImportItem = { zone: ZoneDraft } | { skip: Skip };

/** The file cannot be imported at all (nothing of it is written). */
export class ImportError extends Error {}
