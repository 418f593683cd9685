import type { Layer } from '@deck.gl/core';
import { IconLayer, LineLayer, PathLayer, ScatterplotLayer, TextLayer } from '@deck.gl/layers';
import { ALERT_RED, LOST, STALE, heightColor, type Rgba } from '../map/colors.ts';
import { droneIconAtlas } from './drone-icon.ts';

/** A drone as drawn: positions already in display heights (metres above the modelled ground). */
export interface DroneMark {
  id: string;
  position: [number, number, number];
  heading: number | null;
  heightM: number;
  speed: number | null;
  state: 'live' | 'stale' | 'lost';
  /** The data block's plan line (already translated). */
  planLabel: string;
  trail: Array<[number, number, number]>;
}

/** Drones and their data blocks are never hidden (nor unclickable) behind the translucent sky roads they fly in. */
const ON_TOP = { depthCompare: 'always' } as const;

/** Beyond this many drones only the selected one carries a data block: thousands of labels hide the map. */
const MAX_LABELS = 300;

let atlas: ReturnType<typeof droneIconAtlas> | null = null;

function color(d: DroneMark, alpha = 255): Rgba {
  if (d.state === 'lost') return LOST;
  if (d.state === 'stale') return STALE;
  return heightColor(d.heightM, alpha);
}

function dataBlock(d: DroneMark): string {
  const speed = d.speed === null ? '—' : d.speed.toFixed(1);
  return `${d.id}\n${Math.round(d.heightM)} m  ${speed} m/s\n${d.planLabel}`;
}

/** Trails, stems to the ground, arrows, lost-link rings and data blocks. */
export function droneLayers(drones: readonly DroneMark[], selectedId: string | null, revision: number): Layer[] {
  atlas ??= droneIconAtlas();
  const labelled = drones.length <= MAX_LABELS ? drones : drones.filter((d) => d.id === selectedId);
  const lost = drones.filter((d) => d.state === 'lost');
  const selected = drones.filter((d) => d.id === selectedId);
  return [
    new PathLayer<DroneMark>({
      id: 'drone-trails',
      data: drones.filter((d) => d.trail.length > 1),
      getPath: (d) => d.trail,
      getColor: (d) => color(d, 150),
      getWidth: 2,
      widthUnits: 'pixels',
      updateTriggers: { getPath: revision, getColor: revision },
    }),
    new LineLayer<DroneMark>({
      id: 'drone-stems',
      data: drones,
      getSourcePosition: (d) => d.position,
      getTargetPosition: (d) => [d.position[0], d.position[1], 0],
      getColor: [80, 80, 80, 90],
      getWidth: 1,
      updateTriggers: { getSourcePosition: revision, getTargetPosition: revision },
    }),
    new ScatterplotLayer<DroneMark>({
      id: 'drone-selected',
      data: selected,
      getPosition: (d) => d.position,
      getRadius: 22,
      radiusUnits: 'pixels',
      stroked: true,
      filled: false,
      getLineColor: [20, 20, 20, 255],
      getLineWidth: 2,
      lineWidthUnits: 'pixels',
      updateTriggers: { getPosition: revision },
    }),
    new IconLayer<DroneMark>({
      id: 'drones',
      data: drones,
      iconAtlas: atlas.url,
      iconMapping: atlas.mapping,
      getIcon: (d) => (d.heading === null ? 'disc' : 'arrow'),
      getPosition: (d) => d.position,
      getAngle: (d) => -(d.heading ?? 0),
      getColor: (d) => color(d),
      getSize: 30,
      sizeUnits: 'pixels',
      billboard: true,
      pickable: true,
      parameters: ON_TOP,
      updateTriggers: { getPosition: revision, getAngle: revision, getColor: revision, getIcon: revision },
    }),
    new ScatterplotLayer<DroneMark>({
      id: 'drone-lost',
      data: lost,
      getPosition: (d) => d.position,
      getRadius: 18,
      radiusUnits: 'pixels',
      stroked: true,
      filled: false,
      getLineColor: ALERT_RED,
      getLineWidth: 3,
      lineWidthUnits: 'pixels',
      updateTriggers: { getPosition: revision },
    }),
    new TextLayer<DroneMark>({
      id: 'drone-labels',
      data: labelled,
      getPosition: (d) => d.position,
      getText: dataBlock,
      getSize: 12,
      getColor: [25, 25, 25, 255],
      getPixelOffset: [18, -18],
      getTextAnchor: 'start',
      getAlignmentBaseline: 'bottom',
      fontFamily: '"IPAGothic", "Noto Sans CJK JP", "Hiragino Sans", sans-serif',
      characterSet: 'auto',
      background: true,
      getBackgroundColor: (d) => (d.state === 'lost' ? [255, 235, 235, 230] : [255, 255, 255, 215]),
      backgroundPadding: [4, 2],
      parameters: ON_TOP,
      updateTriggers: { getPosition: revision, getText: revision, getBackgroundColor: revision },
    }),
  ];
}
