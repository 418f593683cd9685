import './style.css';
import type { Layer } from '@deck.gl/core';
import { roleMay } from '../../server/protocol/index.ts';
import type { Alert, Capacity, FlightPlan, Geofence } from '../../server/protocol/index.ts';
import { api } from './api.ts';
import { inBackground } from './background.ts';
import { setupChrome } from './chrome.ts';
import { byId } from './dom.ts';
import { expose, projector } from './hooks.ts';
import { onLangChange } from './i18n/index.ts';
import { AirspaceLayers } from './layers/airspace.ts';
import { liveMarks, replayMarks } from './layers/drone-marks.ts';
import { droneLayers, type DroneMark } from './layers/drones.ts';
import { cellBoxes, type CellBox } from './layers/sky-roads.ts';
import { showZones } from './layers/zones.ts';
import { LiveClient, type LiveStatus } from './live.ts';
import { heightGradientCss } from './map/colors.ts';
import { createMap } from './map/create-map.ts';
import { FrameScheduler } from './map/frame-scheduler.ts';
import { viewportCells } from './map/viewport-cells.ts';
import { renderAlerts } from './panels/alerts.ts';
import { renderCounters } from './panels/counters.ts';
import { renderDetail } from './panels/detail.ts';
import { FlightsPanel } from './panels/flights.ts';
import { TimeSlider, WINDOW_MIN } from './panels/time-slider.ts';
import { ReplayController } from './replay/controller.ts';
import { AlertStore } from './state/alerts.ts';
import { DroneStore } from './state/drones.ts';
import { isWhole, PlanStore } from './state/plans.ts';

const MINUTE = 60_000;
const AIRSPACE_REFRESH_MS = MINUTE;

async function main(): Promise<void> {
  const chrome = setupChrome();
  const config = await api.config();
  const ground = config.groundW84M;
  const { map, overlay, ready, home } = createMap(byId('map'), config);

  const drones = new DroneStore(config.telemetryStaleMs);
  const plans = new PlanStore();
  const alerts = new AlertStore();

  let roads: CellBox[] = [];
  /** How much of the sky is reserved per coarse cell and slot, while the heat layer is on. */
  let capacity: Capacity | null = null;
  const capacityToggle = byId<HTMLInputElement>('capacity-toggle');
  let timeOffsetMin: number | null = null;
  let selection: { droneId: string | null; planId: string | null } = { droneId: null, planId: null };
  let selectedPlan: FlightPlan | null = null;
  let selectedRoad: CellBox[] = [];
  let marks: DroneMark[] = [];
  let layers: Layer[] = [];
  /** Grows when the sky roads, the selection or the time filter change: their layers are rebuilt only then. */
  let airspaceVersion = 0;
  /** Grows every frame: the drones move. */
  let revision = 0;
  let liveStatus: LiveStatus = 'connecting';

  const frames = new FrameScheduler(() => draw());
  const invalidate = frames.invalidate;
  const replayEl = byId('replay');
  const replay = new ReplayController(replayEl, {
    serverNow: () => drones.serverNow(),
    bounds: () => {
      const b = map.getBounds();
      return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()];
    },
    modeChanged: (mode) => chrome.status(mode === 'replay' ? 'replay' : liveStatus),
    invalidate,
  });

  const live = new LiveClient(location.origin, {
    snapshot(s, full) {
      drones.replace(s.drones, s.now);
      if (full) {
        plans.replace(s.plans ?? []);
        alerts.replace(s.alerts ?? []);
        inBackground('loading the reserved airspace', refreshAirspace());
        inBackground('loading the zones', refreshZones());
      }
      invalidate();
    },
    frame(f) {
      drones.apply(f.drones, f.now);
      invalidate();
    },
    link(l) {
      drones.setLink(l);
      invalidate();
    },
    plan(p) {
      plans.put(p);
      if (p.id === selection.planId) inBackground('loading the selected plan', loadSelectedPlan());
      airspaceSoon();
      invalidate();
    },
    zone() {
      inBackground('loading the zones', refreshZones());
    },
    alert(a) {
      alerts.put(a);
      invalidate();
    },
    status(s) {
      liveStatus = s;
      if (!replay.player) chrome.status(s);
    },
  });

  // --- data the map fetches over REST -------------------------------------------------------
  async function refreshZones(): Promise<void> {
    try {
      const zones: Geofence[] = (await api.geofences()).features;
      await ready;
      showZones(map, zones, ground);
    } catch (err) {
      console.error('zones not loaded', err);
    }
  }

  async function refreshAirspace(): Promise<void> {
    await ready;
    const b = map.getBounds();
    const bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()];
    const now = drones.serverNow();
    try {
      const [cells, heat] = await Promise.all([
        api.airspace(bbox, now, now + WINDOW_MIN * MINUTE),
        capacityToggle.checked ? api.capacity(bbox, now, now + WINDOW_MIN * MINUTE) : null,
      ]);
      roads = cellBoxes(cells, ground);
      capacity = heat;
      airspaceVersion++;
      invalidate();
    } catch (err) {
      console.error('sky roads not loaded', err);
    }
  }
  capacityToggle.addEventListener('change', () => inBackground('loading the reserved airspace', refreshAirspace()));
  let airspaceTimer: ReturnType<typeof setTimeout> | null = null;
  const airspaceSoon = () => {
    if (airspaceTimer) clearTimeout(airspaceTimer);
    airspaceTimer = setTimeout(() => inBackground('loading the reserved airspace', refreshAirspace()), 300);
  };
  setInterval(() => inBackground('loading the reserved airspace', refreshAirspace()), AIRSPACE_REFRESH_MS);

  async function loadSelectedPlan(): Promise<void> {
    const id = selection.planId;
    if (!id) {
      selectedPlan = null;
      selectedRoad = [];
      airspaceVersion++;
      return invalidate();
    }
    try {
      const [plan, road] = await Promise.all([api.plan(id), api.skyRoad(id)]);
      if (selection.planId !== id) return;
      selectedPlan = isWhole(plan) ? plan : null;
      selectedRoad = cellBoxes(road, ground);
      airspaceVersion++;
      invalidate();
    } catch (err) {
      console.error('plan not loaded', err);
    }
  }

  // --- selection ----------------------------------------------------------------------------
  function selectDrone(droneId: string): void {
    const plan = plans.currentFor(droneId, drones.serverNow());
    selection = { droneId, planId: plan?.id ?? null };
    selectedPlan = plan ?? null;
    selectedRoad = [];
    airspaceVersion++;
    inBackground('loading the selected plan', loadSelectedPlan());
    invalidate();
  }

  function selectPlan(plan: FlightPlan): void {
    selection = { droneId: plan.droneId, planId: plan.id };
    selectedPlan = plan;
    selectedRoad = [];
    airspaceVersion++;
    inBackground('loading the selected plan', loadSelectedPlan());
    const pts = plan.request.route?.waypoints ?? [];
    if (pts.length) {
      const lons = pts.map((p) => p.lon);
      const lats = pts.map((p) => p.lat);
      map.fitBounds(
        [
          [Math.min(...lons), Math.min(...lats)],
          [Math.max(...lons), Math.max(...lats)],
        ],
        { padding: 120, maxZoom: 16, duration: 600 },
      );
    }
    invalidate();
  }

  function focusAlert(a: Alert): void {
    if (a.lon !== null && a.lat !== null) {
      map.flyTo({ center: [a.lon, a.lat], zoom: Math.max(map.getZoom(), 15), duration: 800 });
    }
    if (a.droneId) selectDrone(a.droneId);
  }

  const clearSelection = () => {
    selection = { droneId: null, planId: null };
    selectedPlan = null;
    selectedRoad = [];
    airspaceVersion++;
    invalidate();
  };

  // MapLibre's click (a press and release close together, however long the press) rather than
  // deck.gl's tap, which a busy software-rendered page can miss; deck.gl still says what is there.
  map.on('click', (e) => {
    const info = overlay.pickObject({ x: e.point.x, y: e.point.y, radius: 4 });
    if (!info?.object) return;
    if (info.layer?.id === 'drones') selectDrone((info.object as DroneMark).id);
    else if (info.layer?.id === 'sky-roads') {
      const plan = plans.plans.get((info.object as CellBox).planId ?? '');
      if (plan && isWhole(plan)) selectPlan(plan);
    }
  });
  overlay.setProps({ getCursor: ({ isHovering }) => (isHovering ? 'pointer' : 'grab') });

  // --- panels -------------------------------------------------------------------------------
  const flightsPanel = new FlightsPanel(byId('flights'), selectPlan);
  const timeSlider = new TimeSlider(byId('time'), (offset) => {
    timeOffsetMin = offset;
    airspaceVersion++;
    invalidate();
  });
  byId('legend-ramp').style.background = heightGradientCss();

  // Replay reads the stored history, which only monitors and administrators may.
  inBackground(
    'asking who the page acts as',
    chrome.whoami.then((me) => {
      replayEl.hidden = !roleMay(me.role, 'sky:read-all');
    }),
  );
  replay.render();

  let panelVersions = '';
  function drawPanels(): void {
    const versions = `${plans.version}/${alerts.version}/${selection.planId}`;
    if (versions !== panelVersions) {
      panelVersions = versions;
      flightsPanel.render(plans.whole(), selection.planId);
      renderAlerts(byId('alerts'), alerts.open(), focusAlert);
    }
    renderCounters(byId('counters'), {
      drones: marks.length,
      activePlans: plans.flying(),
      openAlerts: alerts.open().length,
    });
    if (!selection.droneId && !selection.planId) return renderDetail(byId('detail'), null, clearSelection);
    const drone = selection.droneId ? (drones.drones.get(selection.droneId) ?? null) : null;
    const listed = selection.planId ? plans.plans.get(selection.planId) : undefined;
    const plan = selectedPlan ?? (listed && isWhole(listed) ? listed : null);
    const link = !drone ? 'lost' : drone.link === 2 ? 'lost' : drones.isStale(drone) ? 'stale' : 'live';
    renderDetail(
      byId('detail'),
      {
        drone,
        link,
        plan: plan && (plan.id === selection.planId || plan.droneId === selection.droneId) ? plan : null,
        alerts: selection.droneId ? alerts.forDrone(selection.droneId) : [],
        groundW84M: ground,
      },
      clearSelection,
    );
  }
  onLangChange(() => {
    flightsPanel.translate();
    timeSlider.translate();
    panelVersions = '';
    replay.render();
    invalidate();
  });

  // --- drawing ------------------------------------------------------------------------------
  const airspace = new AirspaceLayers();
  let lastFrameAt = performance.now();
  function draw(): void {
    const now = frames.begin();
    replay.tick(now - lastFrameAt);
    lastFrameAt = now;
    revision++;
    marks = replay.player ? replayMarks(replay.player, ground) : liveMarks(drones, plans, ground);
    const scene = {
      version: airspaceVersion,
      roads,
      capacity,
      selectedPlanId: selection.planId,
      selectedPlan,
      selectedRoad,
      at: timeOffsetMin === null ? null : drones.serverNow() + timeOffsetMin * MINUTE,
      groundW84M: ground,
    };
    layers = [...airspace.layers(scene), ...droneLayers(marks, selection.droneId, revision)];
    overlay.setProps({ layers });
    drawPanels();
  }

  // Staleness is a matter of time passing: look again every second.
  setInterval(invalidate, 1000);

  const hooks = {
    ready: false,
    get status() {
      return liveStatus;
    },
    drones: () =>
      marks.map((m) => ({
        id: m.id,
        lon: m.position[0],
        lat: m.position[1],
        heightM: m.heightM,
        state: m.state,
        planState: plans.currentFor(m.id, drones.serverNow())?.state ?? null,
      })),
    layers: () =>
      Object.fromEntries(
        layers.map((l) => [l.id, Array.isArray(l.props.data) ? (l.props.data as unknown[]).length : 0]),
      ),
    selection: () => ({ ...selection }),
    alerts: () => alerts.open(),
    screenPosition: projector(map),
    home,
    map,
  };
  expose(hooks);

  await ready;
  const subscribeViewport = () => {
    const b = map.getBounds();
    live.setViewport(
      viewportCells(
        [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()],
        config.live.cellResolution,
        config.live.maxViewportCells,
      ),
    );
  };
  map.on('moveend', () => {
    subscribeViewport();
    airspaceSoon();
  });
  subscribeViewport();
  inBackground('loading the zones', refreshZones());
  inBackground('loading the reserved airspace', refreshAirspace());
  hooks.ready = true;
  invalidate();
}

main().catch((err: unknown) => {
  console.error(err);
  document.body.dataset.error = String(err);
});
