import type { Approach } from './approach.ts';
import type { BenchPlan } from './demand.ts';
import { onEveryConnection, openPool } from './pool.ts';

/**
 * The PostGIS way: one row per plan holding the route buffered into a polygon, one altitude range
 * and one time window for the whole flight, a GiST index, and check-then-insert (one
 * INSERT … WHERE NOT EXISTS in autocommit). What a city would build first.
 */
export async function postgisApproach(url: string, lateralBufferM: number, concurrency: number): Promise<Approach> {
  const pool = await openPool(url, concurrency);
  await pool.query('CREATE EXTENSION IF NOT EXISTS postgis');
  await pool.query(`CREATE TABLE postgis_plans (
    id int PRIMARY KEY, geom geometry(Polygon, 4326) NOT NULL, alt numrange NOT NULL, during tstzrange NOT NULL)`);
  await pool.query('CREATE INDEX ON postgis_plans USING gist (geom, during)');
  // Warm as a long-running service is: every backend has loaded PostGIS before the first plan.
  await onEveryConnection(pool, concurrency, 'SELECT ST_Buffer(ST_MakePoint(0, 0)::geography, 1)');
  return {
    name: 'PostGIS polygons, whole-flight window',
    async decide(p: BenchPlan) {
      const line = `LINESTRING(${p.line.map(([lon, lat]) => `${lon} ${lat}`).join(',')})`;
      const r = await pool.query(
        `WITH q AS (SELECT ST_Buffer(ST_GeomFromText($2, 4326)::geography, $3)::geometry AS g,
                           numrange($4, $5) AS alt, tstzrange(to_timestamp($6 / 1000.0), to_timestamp($7 / 1000.0)) AS during)
         INSERT INTO postgis_plans (id, geom, alt, during)
         SELECT $1, q.g, q.alt, q.during FROM q
         WHERE NOT EXISTS (SELECT 1 FROM postgis_plans o WHERE ST_Intersects(o.geom, q.g) AND o.alt && q.alt AND o.during && q.during)`,
        [p.index, line, lateralBufferM, p.altLo, p.altHi, p.t0, p.t1],
      );
      return r.rowCount === 1;
    },
    close: () => pool.end(),
  };
}
