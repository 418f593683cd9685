-- Rights are granted, not claimed: which operator flies a drone, who may file above the normal
-- priority, and who may enter a restricted zone are each written here by someone entitled to
-- grant them, and read where plans and commands are decided.

-- The drones each operator flies: registered by the operator itself or by an administrator, with
-- the registration mark (登録記号) the national register gave it. Only an administrator moves a
-- drone to another operator.
CREATE TABLE drones (
  id                text PRIMARY KEY,
  operator          text NOT NULL,
  registration_mark text UNIQUE,
  model             text,
  registered_by     text NOT NULL,
  registered_at     timestamptz NOT NULL
);

CREATE INDEX drones_operator ON drones (operator);

-- Priority above the normal level, granted to an operator by an administrator (an ambulance
-- service, the fire brigade, the city's disaster response).
CREATE TABLE priority_grants (
  operator     text PRIMARY KEY,
  max_priority integer NOT NULL CHECK (max_priority BETWEEN 0 AND 1000),
  reason       text NOT NULL,
  granted_by   text NOT NULL,
  granted_at   timestamptz NOT NULL
);

-- Permission to fly one drone in one restricted zone during one window, issued by the zone's
-- authority (an administrator) to an operator. Revoked, never deleted: the monitor and the audit
-- must be able to say what was allowed when.
CREATE TABLE zone_authorizations (
  id         uuid PRIMARY KEY,
  zone_id    uuid NOT NULL,
  operator   text NOT NULL,
  drone_id   text NOT NULL,
  valid_from timestamptz NOT NULL,
  valid_to   timestamptz NOT NULL CHECK (valid_to > valid_from),
  reason     text NOT NULL,
  issued_by  text NOT NULL,
  issued_at  timestamptz NOT NULL,
  revoked_at timestamptz,
  revoked_by text
);

CREATE INDEX zone_authorizations_holder ON zone_authorizations (operator, drone_id);
CREATE INDEX zone_authorizations_zone ON zone_authorizations (zone_id);

-- The restricted zones a plan was decided with permission to enter (verified grants, never what
-- the request claimed), for conformance monitoring to judge the drone by.
ALTER TABLE flight_plans ADD COLUMN granted_zones uuid[] NOT NULL DEFAULT '{}';

-- A sample is known by its gateway and seq: stored once however batches overlap or repeat, in
-- whatever order they arrive. Replaces the per-gateway high-water mark, which dropped the earlier
-- of two batches committed out of order and let any token that named a gateway block its samples.
DELETE FROM telemetry_samples a USING telemetry_samples b
  WHERE a.gateway_id = b.gateway_id AND a.seq = b.seq AND a.ctid > b.ctid;
CREATE UNIQUE INDEX telemetry_samples_gateway_seq ON telemetry_samples (gateway_id, seq);
DROP TABLE telemetry_gateways;

-- A plan of higher priority accepted over a flight in the air leaves it flying; its pilot is told.
ALTER TABLE alerts DROP CONSTRAINT alerts_kind_check;
ALTER TABLE alerts ADD CONSTRAINT alerts_kind_check CHECK (kind IN ('nonconforming', 'contingent', 'geofence_breach',
  'lost_link', 'proximity', 'unplanned_flight', 'low_battery', 'zone_over_active_plan', 'id_collision',
  'priority_over_active_plan'));
