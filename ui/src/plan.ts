import './style.css';
import type { Layer } from '@deck.gl/core';
import { RegistrationMark, roleMay } from '../../server/protocol/index.ts';
import type { Alternative, FlightPlan, FlightPlanRequest, FlightPurpose } from '../../server/protocol/index.ts';
import { ApiError, api, type Decision } from './api.ts';
import { setupChrome } from './chrome.ts';
import { byId, fill, h } from './dom.ts';
import { saveFile } from './download.ts';
import { expose, projector } from './hooks.ts';
import { onLangChange, t } from './i18n/index.ts';
import { cruiseHeightM, routeLayers } from './layers/route.ts';
import { cellBoxes, conflictBoxes, skyRoadLayer, type CellBox } from './layers/sky-roads.ts';
import { showZones } from './layers/zones.ts';
import { LiveClient } from './live.ts';
import { createMap } from './map/create-map.ts';
import { renderDecision, type DecisionView } from './panels/decision.ts';
import { renderMyPlans } from './panels/my-plans.ts';
import { isWhole } from './state/plans.ts';
import { PURPOSES } from './state/purposes.ts';
import { inBackground } from './background.ts';

const HOUR = 3_600_000;
const CONFLICT_RED: [number, number, number, number] = [229, 57, 53, 150];
const DRAFT_BLUE: [number, number, number, number] = [25, 118, 210, 230];

/** A datetime-local value for a moment, in the browser's time zone. */
function localInput(ms: number): string {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
}

async function main(): Promise<void> {
  const chrome = setupChrome();
  const config = await api.config();
  const ground = config.groundW84M;
  const { map, overlay, ready, home } = createMap(byId('map'), config);
  const form = byId<HTMLFormElement>('plan-form');
  const field = (name: string) => form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement;

  let waypoints: Array<{ lat: number; lon: number }> = [];
  let decision: DecisionView | null = null;
  let acceptedRoad: CellBox[] = [];
  let conflictCells: CellBox[] = [];
  let otherRoads: CellBox[] = [];
  let myPlans: FlightPlan[] = [];
  let shownPlanId: string | null = null;
  let layers: Layer[] = [];

  const me = await chrome.whoami;
  const mayFile = roleMay(me.role, 'plans:file');

  const purposes = field('purposeCategory') as HTMLSelectElement;
  const fillPurposes = () => {
    const chosen = purposes.value;
    fill(
      purposes,
      h('option', { value: '' }, t('plan.unset')),
      ...PURPOSES.map((p) => h('option', { value: p }, t(`purpose.${p}`))),
    );
    purposes.value = chosen;
  };
  fillPurposes();

  field('droneId').value = `JU${Math.random().toString(36).slice(2, 12).toUpperCase().padEnd(10, '0')}`;
  field('departure').value = localInput(Math.ceil((Date.now() + 3 * 60_000) / 60_000) * 60_000);

  // --- drawing ------------------------------------------------------------------------------
  function draw(): void {
    const height = Number(field('altitude').value) || 0;
    const reference = field('reference').value;
    const draftHeight = reference === 'AGL' ? height : reference === 'W84' ? height - ground : height;
    layers = [
      skyRoadLayer(
        'other-sky-roads',
        otherRoads.filter((c) => c.planId !== shownPlanId),
        {},
      ),
      skyRoadLayer('accepted-sky-road', acceptedRoad, { highlight: shownPlanId }),
      skyRoadLayer('conflict-cells', conflictCells, { color: CONFLICT_RED }),
      ...routeLayers(
        'draft-route',
        waypoints.map((w) => [w.lon, w.lat, draftHeight]),
        DRAFT_BLUE,
      ),
    ];
    const shown = myPlans.find((p) => p.id === shownPlanId);
    if (shown?.request.route) {
      const z = cruiseHeightM(shown, ground);
      layers.push(
        ...routeLayers(
          'shown-route',
          shown.request.route.waypoints.map((w) => [w.lon, w.lat, z]),
          [30, 30, 30, 220],
        ),
      );
    }
    overlay.setProps({ layers });
  }

  function drawWaypoints(): void {
    fill(
      byId('waypoints'),
      ...waypoints.map((w, i) =>
        h(
          'li',
          {},
          `${w.lat.toFixed(5)}, ${w.lon.toFixed(5)} `,
          h(
            'button',
            {
              type: 'button',
              class: 'link',
              onclick: () => ((waypoints = waypoints.filter((_, k) => k !== i)), drawWaypoints(), draw()),
            },
            t('plan.remove'),
          ),
        ),
      ),
    );
  }

  const decisionActions = {
    take: (a: Alternative) => inBackground('filing the alternative', submit(a.request)),
    confirm: (p: FlightPlan) =>
      inBackground(
        'confirming the hold',
        operate(() => api.confirm(p.id)),
      ),
    fileAt: (slot: { request: FlightPlanRequest | null }) => {
      if (slot.request) inBackground('filing at the earliest slot', submit(slot.request));
    },
    registerAndFile: (request: FlightPlanRequest) => inBackground('registering the drone', registerAndFile(request)),
  };
  const showDecision = () => renderDecision(byId('decision'), decision, decisionActions);

  const actions = {
    show: (p: FlightPlan) => inBackground('showing the plan', showPlan(p.id)),
    confirm: decisionActions.confirm,
    export: (p: FlightPlan, format: 'json' | 'csv') => inBackground('exporting the filing', exportFiling(p, format)),
    activate: (p: FlightPlan) =>
      inBackground(
        'activating the plan',
        operate(() => api.activate(p.id)),
      ),
    end: (p: FlightPlan) =>
      inBackground(
        'ending the plan',
        operate(() => api.end(p.id)),
      ),
    cancel: (p: FlightPlan) =>
      inBackground(
        'cancelling the plan',
        operate(() => api.cancel(p.id)),
      ),
  };
  const drawMyPlans = () => renderMyPlans(byId('my-plans'), myPlans, shownPlanId, actions);

  // --- talking to the server ----------------------------------------------------------------
  /** This operator's plans of the last day and ahead, from the server (which shows an operator only its own). */
  async function loadMyPlans(): Promise<void> {
    if (!mayFile) return;
    const since = new Date(Date.now() - 24 * HOUR).toISOString();
    myPlans = await api.plans(`operator=${encodeURIComponent(me.subject)}&from=${since}&limit=100`);
    drawMyPlans();
  }

  async function refreshOtherRoads(): Promise<void> {
    await ready;
    const b = map.getBounds();
    const now = Date.now();
    try {
      const cells = await api.airspace([b.getWest(), b.getSouth(), b.getEast(), b.getNorth()], now, now + 2 * HOUR);
      otherRoads = cellBoxes(cells, ground);
      draw();
    } catch (err) {
      console.error('sky roads not loaded', err);
    }
  }

  async function showPlan(id: string): Promise<void> {
    shownPlanId = id;
    acceptedRoad = cellBoxes(await api.skyRoad(id), ground);
    drawMyPlans();
    draw();
  }

  async function operate(run: () => Promise<FlightPlan>): Promise<void> {
    try {
      const plan = await run();
      myPlans = myPlans.map((p) => (p.id === plan.id ? plan : p));
      if (decision?.kind === 'accepted' && decision.plan.id === plan.id) {
        decision = { kind: 'accepted', plan };
        showDecision();
      }
      drawMyPlans();
    } catch (err) {
      decision = { kind: 'error', message: (err as Error).message };
      showDecision();
    }
  }

  async function exportFiling(p: FlightPlan, format: 'json' | 'csv'): Promise<void> {
    try {
      saveFile(await api.dips(p.id, format), `flight-plan-${p.droneId}-${p.id.slice(0, 8)}.${format}`);
    } catch (err) {
      decision = { kind: 'error', message: (err as Error).message };
      showDecision();
    }
  }

  async function findEarliest(request: FlightPlanRequest): Promise<void> {
    decision = { kind: 'pending' };
    showDecision();
    try {
      decision = { kind: 'earliest', slot: await api.earliest(request) };
    } catch (err) {
      decision = { kind: 'error', message: (err as Error).message };
    }
    showDecision();
  }

  /** Registers the drone a refused request named to this operator, then files the request again. */
  async function registerAndFile(request: FlightPlanRequest): Promise<void> {
    const { droneId } = request;
    try {
      // A drone id that is a registration mark (登録記号) is recorded as one.
      await api.registerDrone(
        droneId,
        RegistrationMark.safeParse(droneId).success ? { registrationMark: droneId } : {},
      );
    } catch (err) {
      decision = { kind: 'error', message: (err as Error).message };
      showDecision();
      return;
    }
    await submit(request);
  }

  async function submit(request: FlightPlanRequest): Promise<void> {
    decision = { kind: 'pending' };
    showDecision();
    let answer: Decision;
    try {
      answer = await api.file(request, crypto.randomUUID(), (field('hold') as HTMLInputElement).checked);
    } catch (err) {
      if (err instanceof ApiError && err.body?.error === 'drone_not_registered') {
        decision = { kind: 'unregistered', request, message: err.message };
      } else decision = { kind: 'error', message: err instanceof ApiError ? err.message : String(err) };
      showDecision();
      return;
    }
    if (answer.accepted) {
      decision = { kind: 'accepted', plan: answer.plan };
      conflictCells = [];
      myPlans = [answer.plan, ...myPlans.filter((p) => p.id !== answer.plan.id)];
      await showPlan(answer.plan.id);
    } else {
      decision = { kind: 'rejected', rejection: answer.rejection };
      acceptedRoad = [];
      shownPlanId = null;
      conflictCells = answer.rejection.conflicts.flatMap((c) => conflictBoxes(c.cells, ground));
      drawMyPlans();
    }
    showDecision();
    draw();
  }

  function requestFromForm(): FlightPlanRequest | string {
    if (waypoints.length < 2) return t('plan.needWaypoints');
    const departure = new Date(field('departure').value);
    const text = (name: string) => field(name).value.trim();
    const purpose = text('purpose');
    const filing = {
      ...(text('purposeCategory') ? { purposeCategory: text('purposeCategory') as FlightPurpose } : {}),
      ...(text('category') ? { category: text('category') as 'I' | 'IIA' | 'IIB' | 'III' } : {}),
      ...(text('permitNumber') ? { permitNumber: text('permitNumber') } : {}),
    };
    const pilot = text('pilotName')
      ? { name: text('pilotName'), ...(text('licenceNumber') ? { licenceNumber: text('licenceNumber') } : {}) }
      : null;
    return {
      droneId: text('droneId'),
      priority: Number(field('priority').value),
      authorizations: [],
      ...(purpose ? { purpose } : {}),
      ...(Object.keys(filing).length ? { filing } : {}),
      ...(pilot ? { pilot } : {}),
      route: {
        waypoints,
        altitude: {
          value: Number(field('altitude').value),
          reference: field('reference').value as 'AGL' | 'AMSL' | 'W84',
        },
        speedMps: Number(field('speed').value),
        departure: Number.isNaN(departure.getTime()) ? field('departure').value : departure.toISOString(),
        takeoffAndLanding: true,
      },
    };
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const request = requestFromForm();
    if (typeof request === 'string') {
      decision = { kind: 'error', message: request };
      showDecision();
      return;
    }
    inBackground('filing the plan', submit(request));
  });
  form.addEventListener('input', draw);
  byId('earliest').addEventListener('click', () => {
    const request = requestFromForm();
    if (typeof request === 'string') {
      decision = { kind: 'error', message: request };
      showDecision();
      return;
    }
    inBackground('finding the earliest slot', findEarliest(request));
  });
  byId('clear-waypoints').addEventListener('click', () => {
    waypoints = [];
    conflictCells = [];
    drawWaypoints();
    draw();
  });

  map.on('click', (e) => {
    waypoints = [...waypoints, { lat: e.lngLat.lat, lon: e.lngLat.lng }];
    drawWaypoints();
    draw();
  });
  map.on('moveend', () => inBackground('loading the reserved airspace', refreshOtherRoads()));

  const live = new LiveClient(location.origin, {
    snapshot: () => undefined,
    frame: () => undefined,
    link: () => undefined,
    zone: () => undefined,
    alert: () => undefined,
    plan(p) {
      if (!isWhole(p) || !myPlans.some((m) => m.id === p.id))
        return inBackground('loading the reserved airspace', refreshOtherRoads());
      myPlans = myPlans.map((m) => (m.id === p.id && m.version <= p.version ? { ...m, ...p } : m));
      drawMyPlans();
      inBackground('loading the reserved airspace', refreshOtherRoads());
    },
    status: (s) => chrome.status(s),
  });
  live.setViewport([]);

  onLangChange(() => {
    fillPurposes();
    drawWaypoints();
    drawMyPlans();
    showDecision();
  });

  expose({
    ready: false,
    status: 'live',
    drones: () => [],
    layers: () =>
      Object.fromEntries(
        layers.map((l) => [l.id, Array.isArray(l.props.data) ? (l.props.data as unknown[]).length : 0]),
      ),
    selection: () => ({ droneId: null, planId: shownPlanId }),
    screenPosition: projector(map),
    home,
    waypoints: () => [...waypoints],
    decision: () => decision,
    map,
  });

  if (!mayFile) {
    decision = { kind: 'error', message: t('session.needOperator') };
    showDecision();
    byId<HTMLButtonElement>('submit').disabled = true;
    byId<HTMLButtonElement>('earliest').disabled = true;
  }

  await ready;
  try {
    showZones(map, (await api.geofences()).features, ground);
  } catch (err) {
    console.error('zones not loaded', err);
  }
  await Promise.all([loadMyPlans(), refreshOtherRoads()]);
  drawWaypoints();
  draw();
  window.__soramichi!.ready = true;
}

main().catch((err: unknown) => {
  console.error(err);
  document.body.dataset.error = String(err);
});
