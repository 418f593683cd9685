-- listPlans: no filter
SELECT id::text, version, state, priority, drone_id, owner, request, time_start, time_end, departure,
arrival, held_until, cell_hours, min_lon, min_lat, max_lon, max_lat, sky_road, state_reason, contact, pilot,
granted_zones::text[], created_at,
updated_at FROM flight_plans
ORDER BY time_start, id LIMIT 100;

-- listPlans: every filter
SELECT id::text, version, state, priority, drone_id, owner, request, time_start, time_end, departure,
arrival, held_until, cell_hours, min_lon, min_lat, max_lon, max_lat, sky_road, state_reason, contact, pilot,
granted_zones::text[], created_at,
updated_at FROM flight_plans WHERE state = ANY($1::text[]) AND time_end > $2 AND time_start < $3 AND max_lon >= $4 AND min_lon <= $6 AND max_lat >= $5 AND min_lat <= $7 AND drone_id = $8 AND owner = $9
ORDER BY time_start, id LIMIT 100;

-- listPlans: time window of one operator
SELECT id::text, version, state, priority, drone_id, owner, request, time_start, time_end, departure,
arrival, held_until, cell_hours, min_lon, min_lat, max_lon, max_lat, sky_road, state_reason, contact, pilot,
granted_zones::text[], created_at,
updated_at FROM flight_plans WHERE time_end > $1 AND time_start < $2 AND owner = $3
ORDER BY time_start, id LIMIT 10;

-- livePlanKeys: every live plan
SELECT p.id::text, p.version, p.priority, p.state, r.cells::text[] AS cells, r.band_lo::int4[] AS band_lo, r.band_hi::int4[] AS band_hi, r.t0::float8[] AS t0, r.t1::float8[] AS t1
FROM flight_plans p JOIN sky_roads r ON r.plan_id = p.id
WHERE p.state IN ('Held','Accepted','Activated','Nonconforming','Contingent');

-- livePlanKeys: some
SELECT p.id::text, p.version, p.priority, p.state, r.cells::text[] AS cells, r.band_lo::int4[] AS band_lo, r.band_hi::int4[] AS band_hi, r.t0::float8[] AS t0, r.t1::float8[] AS t1
FROM flight_plans p JOIN sky_roads r ON r.plan_id = p.id
WHERE p.state IN ('Held','Accepted','Activated','Nonconforming','Contingent') AND p.id = ANY($1::uuid[]);

-- listAlerts: no filter
SELECT id::text, kind, drone_id, plan_id::text, subject_id, message, lat, lon, alt_w84, opened_at, closed_at,
acknowledged_at, acknowledged_by, action FROM alerts
ORDER BY opened_at DESC, id LIMIT 50;

-- listAlerts: open ones of a drone
SELECT id::text, kind, drone_id, plan_id::text, subject_id, message, lat, lon, alt_w84, opened_at, closed_at,
acknowledged_at, acknowledged_by, action FROM alerts WHERE closed_at IS NULL AND drone_id = $1
ORDER BY opened_at DESC, id LIMIT 50;

-- listAlerts: every filter
SELECT id::text, kind, drone_id, plan_id::text, subject_id, message, lat, lon, alt_w84, opened_at, closed_at,
acknowledged_at, acknowledged_by, action FROM alerts WHERE closed_at IS NOT NULL AND updated_at >= $1 AND drone_id = $2 AND kind = $3 AND plan_id IN (SELECT id FROM flight_plans WHERE owner = $4)
ORDER BY opened_at DESC, id LIMIT 50;

-- historySamples: every sample
SELECT drone_id, time, gateway_id, seq::float8 AS seq, lat, lon, alt_w84, alt_amsl, alt_relative,
ground_speed_mps, vertical_speed_mps, heading_deg, battery_percent, battery_voltage, mode, armed, gps_fix, remote_id FROM (SELECT * FROM telemetry_samples WHERE time >= $1::timestamptz AND time < $2::timestamptz) s ORDER BY time, drone_id, gateway_id, seq LIMIT 1000;

-- historySamples: thinned, in a box
SELECT drone_id, time, gateway_id, seq::float8 AS seq, lat, lon, alt_w84, alt_amsl, alt_relative,
ground_speed_mps, vertical_speed_mps, heading_deg, battery_percent, battery_voltage, mode, armed, gps_fix, remote_id FROM (SELECT DISTINCT ON (drone_id, bucket) * FROM (
SELECT *, floor(extract(epoch FROM time) * 1000 / 1000) AS bucket
FROM telemetry_samples WHERE time >= $1::timestamptz AND time < $2::timestamptz AND lon >= $3 AND lat >= $4 AND lon <= $5 AND lat <= $6) b
ORDER BY drone_id, bucket, time, gateway_id, seq) s ORDER BY time, drone_id, gateway_id, seq LIMIT 1000;

-- purgeSamplesBefore
WITH gone AS (
DELETE FROM telemetry_samples WHERE ctid IN (
SELECT ctid FROM telemetry_samples WHERE time < $1::timestamptz LIMIT 5000)
RETURNING 1)
SELECT count(*)::int AS n FROM gone;

-- cellSlotUse
WITH k AS (
SELECT p.id, u.cell, u.band_lo, u.band_hi, greatest(u.t0, $5::int8) AS t0, least(u.t1, $6::int8) AS t1
FROM flight_plans p JOIN sky_roads r ON r.plan_id = p.id,
unnest(r.cells, r.band_lo, r.band_hi, r.t0, r.t1) AS u(cell, band_lo, band_hi, t0, t1)
WHERE p.state IN ('Held','Accepted','Activated','Nonconforming','Contingent') AND p.max_lon >= $1 AND p.min_lon <= $3 AND p.max_lat >= $2 AND p.min_lat <= $4
AND p.time_end > to_timestamp($5 / 1000.0) AND p.time_start < to_timestamp($6 / 1000.0)
AND u.t0 < $6 AND u.t1 > $5)
SELECT ((k.cell & ~(15::int8 << 52)) | ($8::int8 << 52) | ((1::int8 << $9) - 1))::text AS parent,
s.slot::float8 AS slot,
sum((k.band_hi - k.band_lo + 1) * (least(k.t1, (s.slot + 1) * $7) - greatest(k.t0, s.slot * $7)))::float8
AS cell_band_ms,
sum(least(k.t1, (s.slot + 1) * $7) - greatest(k.t0, s.slot * $7))::float8 AS cell_ms,
count(DISTINCT k.id)::int AS plans
FROM k CROSS JOIN LATERAL generate_series(k.t0 / $7, (k.t1 - 1) / $7) AS s(slot)
GROUP BY 1, 2
ORDER BY 2, 1
LIMIT $10;
