import './style.css';
import type { Layer } from '@deck.gl/core';
import { roleMay } from '../../server/protocol/index.ts';
import type { Alert, Capacity, FlightPlan, Geofence } from '../../server/protocol/index.ts';
import { api } from './api.ts';
import { setupChrome } from './chrome.ts';
import { byId } from './dom.ts';
import { expose, projector } from './hooks.ts';
import { formatTime, onLangChange, t } from './i18n/index.ts';
import { capacityCells, capacityLayer } from './layers/capacity.ts';
import { droneLayers, type DroneMark } from './layers/drones.ts';
import { routeLayers, routePoints, cruiseHeightM } from './layers/route.ts';
import { cellBoxes, skyRoadLayer, type CellBox } from './layers/sky-roads.ts';
import { showZones } from './layers/zones.ts';
import { LiveClient, type LiveStatus } from './live.ts';
import { heightGradientCss } from './map/colors.ts';
import { createMap } from './map/create-map.ts';
import { viewportCells } from './map/viewport-cells.ts';
import { renderAlerts } from './panels/alerts.ts';
import { renderCounters } from './panels/counters.ts';
import { renderDetail } from './panels/detail.ts';
import { FlightsPanel } from './panels/flights.ts';
import { renderReplay, type ReplayView } from './panels/replay.ts';
import { TimeSlider, WINDOW_MIN } from './panels/time-slider.ts';
import { ReplayPlayer } from './replay/player.ts';
import { storedTracks } from './replay/source.ts';
import { AlertStore } from './state/alerts.ts';
import { DroneStore } from './state/drones.ts';
import { isWhole, PlanStore } from './state/plans.ts';
import { inBackground } from './background.ts';

const MINUTE = 60_000;
const AIRSPACE_REFRESH_MS = MINUTE;
const TIME_STEP_MS = 10_000;

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
  let replay: ReplayPlayer | null = null;
  let replayLoading = false;
  let marks: DroneMark[] = [];
  let layers: Layer[] = [];
  /** Grows when the sky roads, the selection or the time filter change: their layers are rebuilt only then. */
  let airspaceVersion = 0;
  /** Grows every frame: the drones move. */
  let revision = 0;
  let liveStatus: LiveStatus = 'connecting';

  // Drawing: at most once per animation frame, whatever woke it, and never more than half the
  // time: where the map is rendered in software a frame can take half a second, and the page
  // must still answer clicks in between.
  let scheduled = false;
  let drawStartedAt = 0;
  let frameCostMs = 0;
  const invalidate = () => {
    if (scheduled) return;
    scheduled = true;
    const wait = drawStartedAt + 2 * frameCostMs - performance.now();
    if (wait > 0) setTimeout(() => requestAnimationFrame(draw), wait);
    else requestAnimationFrame(draw);
  };

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
      if (!replay) chrome.status(s);
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

  const replayControls = {
    async load(hours: number) {
      replayLoading = true;
      drawReplayPanel();
      const to = drones.serverNow();
      const from = to - hours * 3_600_000;
      const b = map.getBounds();
      try {
        const tracks = await storedTracks.load(from, to, [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]);
        replay = new ReplayPlayer(tracks, from, to);
        replay.playing = true;
        chrome.status('replay');
      } catch (err) {
        console.error('replay not loaded', err);
      }
      replayLoading = false;
      drawReplayPanel();
      invalidate();
    },
    play() {
      if (replay) replay.playing = true;
      drawReplayPanel();
    },
    pause() {
      if (replay) replay.playing = false;
      drawReplayPanel();
    },
    speed(x: number) {
      if (replay) replay.speed = x;
    },
    seek(time: number) {
      replay?.seek(time);
      invalidate();
    },
    live() {
      replay = null;
      chrome.status(liveStatus);
      drawReplayPanel();
      invalidate();
    },
  };
  const replayEl = byId('replay');
  // Replay reads the stored history, which only monitors and administrators may.
  inBackground(
    'asking who the page acts as',
    chrome.whoami.then((me) => {
      replayEl.hidden = !roleMay(me.role, 'sky:read-all');
    }),
  );
  function replayView(): ReplayView {
    if (replayLoading) return { mode: 'loading' };
    if (!replay) return { mode: 'live' };
    return {
      mode: 'replay',
      from: replay.from,
      to: replay.to,
      time: replay.time,
      playing: replay.playing,
      drones: replay.tracks.length,
      speed: replay.speed,
    };
  }
  const drawReplayPanel = () => renderReplay(replayEl, replayView(), replayControls);
  drawReplayPanel();

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
    drawReplayPanel();
    invalidate();
  });

  // --- drawing ------------------------------------------------------------------------------
  function liveMarks(): DroneMark[] {
    const now = drones.serverNow();
    const out: DroneMark[] = [];
    for (const d of drones.drones.values()) {
      const plan = plans.currentFor(d.id, now);
      out.push({
        id: d.id,
        position: [d.lon, d.lat, d.altW84 - ground],
        heading: d.heading,
        heightM: d.altW84 - ground,
        speed: d.speed,
        state: d.link === 2 ? 'lost' : drones.isStale(d) ? 'stale' : 'live',
        planLabel: plan ? t(`state.${plan.state}`) : t('state.none'),
        trail: d.trail.map(([lon, lat, alt]) => [lon, lat, alt - ground]),
      });
    }
    return out;
  }

  function replayMarks(player: ReplayPlayer): DroneMark[] {
    return player.drones().map((d) => ({
      id: d.droneId,
      position: [d.lon, d.lat, d.altW84 - ground],
      heading: d.heading,
      heightM: d.altW84 - ground,
      speed: d.speed,
      state: 'live',
      planLabel: t('live.replay'),
      trail: d.trail.map(([lon, lat, alt]) => [lon, lat, alt - ground]),
    }));
  }

  // Sky roads are thousands of extruded cells: rebuilt only when they, the selection or the
  // time filter (in steps of TIME_STEP_MS) change, not every time a drone moves.
  let airspaceKey = '';
  let airspaceCache: Layer[] = [];
  function airspaceLayers(): Layer[] {
    const step =
      timeOffsetMin === null ? null : Math.floor((drones.serverNow() + timeOffsetMin * MINUTE) / TIME_STEP_MS);
    const key = `${airspaceVersion}|${selection.planId}|${selectedPlan?.id}|${step}`;
    if (key === airspaceKey) return airspaceCache;
    airspaceKey = key;
    const at = step === null ? null : step * TIME_STEP_MS;
    const shownRoads = roads.filter(
      (c) => c.planId !== selection.planId && (at === null || (c.start <= at && at < c.end)),
    );
    const route =
      selectedPlan?.request.route && selectedPlan.id === selection.planId
        ? routeLayers(
            'selected-route',
            routePoints(selectedPlan.request, cruiseHeightM(selectedPlan, ground)),
            [30, 30, 30, 220],
          )
        : [];
    airspaceCache = [
      ...(capacity ? [capacityLayer(capacityCells(capacity, at), airspaceVersion)] : []),
      skyRoadLayer('sky-roads', shownRoads, { pickable: true, revision: airspaceVersion }),
      skyRoadLayer('selected-sky-road', selectedRoad, { highlight: selection.planId, revision: airspaceVersion }),
      ...route,
    ];
    return airspaceCache;
  }

  let lastFrameAt = performance.now();
  function draw(): void {
    scheduled = false;
    const nowPerf = performance.now();
    drawStartedAt = nowPerf;
    // The next frame comes once this one is on screen: the time between is what drawing costs.
    requestAnimationFrame(() => (frameCostMs = performance.now() - nowPerf));
    if (replay) {
      replay.advance(nowPerf - lastFrameAt);
      const clock = replayEl.querySelector<HTMLOutputElement>('[data-testid="replay-clock"]');
      const range = replayEl.querySelector<HTMLInputElement>('[data-testid="replay-time"]');
      if (clock && range && document.activeElement !== range) {
        range.value = String(replay.time);
        clock.textContent = formatTime(replay.time, true);
      }
      if (replay.playing) invalidate();
    }
    lastFrameAt = nowPerf;
    revision++;
    marks = replay ? replayMarks(replay) : liveMarks();
    layers = [...airspaceLayers(), ...droneLayers(marks, selection.droneId, revision)];
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
