import { area, kinks, polygon } from '@turf/turf';
import { BadRequest } from '../errors.ts';
import { LIMITS } from '../limits.ts';
import type { FlightPlanRequest } from '../protocol/index.ts';

const { maxVolumesAreaM2 } = LIMITS;

/**
 * What a plan's volumes must be before any work is spent on them: real polygons (three distinct
 * corners, no self-crossing edge, not across the antimeridian) no larger in all than
 * maxVolumesAreaM2. Routes are bounded by their schema (length, legs).
 */
export function checkVolumes(req: FlightPlanRequest): void {
  let total = 0;
  req.volumes?.forEach((v, i) => {
    const path = `volumes.${i}.volume`;
    const circle = v.volume.outline_circle;
    if (circle) {
      total += Math.PI * circle.radius.value ** 2;
      return;
    }
    const vertices = v.volume.outline_polygon!.vertices;
    const ring = vertices.map((p) => [p.lng, p.lat]);
    if (new Set(ring.map(([x, y]) => `${x},${y}`)).size < 3) {
      throw BadRequest.field(`${path}.outline_polygon.vertices`, 'a polygon needs at least three distinct vertices');
    }
    const lons = ring.map(([x]) => x!);
    if (Math.max(...lons) - Math.min(...lons) > 180) {
      throw BadRequest.field(`${path}.outline_polygon.vertices`, 'a polygon may not cross the antimeridian');
    }
    const first = ring[0]!;
    const last = ring[ring.length - 1]!;
    if (first[0] !== last[0] || first[1] !== last[1]) ring.push([...first]);
    const shape = polygon([ring]);
    if (kinks(shape).features.length > 0) {
      throw BadRequest.field(`${path}.outline_polygon.vertices`, 'the outline crosses itself');
    }
    total += area(shape);
  });
  if (total > maxVolumesAreaM2) {
    throw BadRequest.field(
      'volumes',
      `the volumes cover ${(total / 1e6).toFixed(1)} km²; at most ${maxVolumesAreaM2 / 1e6} km² in all`,
    );
  }
}
