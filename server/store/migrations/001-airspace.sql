-- Flight plans and the keys of their sky roads. A key is (H3 cell, band range, time range);
-- two live keys on the same cell must never overlap in both bands and time. The arbiter
-- (flights/service.ts with store/plans.ts) guarantees it under advisory locks on the cells'
-- coarse parents ("stripes").

CREATE TABLE flight_plans (
  id           uuid PRIMARY KEY,
  version      integer NOT NULL,
  state        text NOT NULL CHECK (state IN ('Accepted', 'Activated', 'Nonconforming', 'Contingent', 'Ended', 'Cancelled', 'Preempted')),
  priority     integer NOT NULL,
  drone_id     text NOT NULL,
  owner        text NOT NULL,
  request      jsonb NOT NULL,
  time_start   timestamptz NOT NULL,
  time_end     timestamptz NOT NULL,
  departure    timestamptz,
  arrival      timestamptz,
  min_lon      double precision NOT NULL,
  min_lat      double precision NOT NULL,
  max_lon      double precision NOT NULL,
  max_lat      double precision NOT NULL,
  sky_road     jsonb NOT NULL,
  state_reason text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX flight_plans_live_time ON flight_plans (time_end, time_start)
  WHERE state IN ('Accepted', 'Activated', 'Nonconforming', 'Contingent');
CREATE INDEX flight_plans_drone ON flight_plans (drone_id, time_start);

-- The exact keys of each live plan as parallel arrays, one row per plan: one insert and one
-- delete however many keys a sky road has. Times are epoch milliseconds, [t0, t1); bands are
-- inclusive. Rows exist only while the plan holds its sky road.
CREATE TABLE sky_roads (
  plan_id uuid PRIMARY KEY,
  cells   bigint[] NOT NULL,
  band_lo smallint[] NOT NULL,
  band_hi smallint[] NOT NULL,
  t0      bigint[] NOT NULL,
  t1      bigint[] NOT NULL
);

-- The arbiter's index: where (stripe = a coarse parent cell) and when each live plan holds
-- anything. Under the stripe locks, the plans found here for a new plan's stripes and times are
-- the only ones that can share a key with it; their exact keys then decide.
CREATE EXTENSION IF NOT EXISTS btree_gist;

CREATE TABLE sky_road_stripes (
  plan_id uuid NOT NULL,
  stripe  bigint NOT NULL,
  during  int8range NOT NULL
);

CREATE INDEX sky_road_stripes_where_when ON sky_road_stripes USING gist (stripe, during);
CREATE INDEX sky_road_stripes_plan ON sky_road_stripes (plan_id);

CREATE TABLE plan_events (
  plan_id uuid NOT NULL REFERENCES flight_plans (id) ON DELETE CASCADE,
  at      timestamptz NOT NULL,
  version integer NOT NULL,
  state   text NOT NULL,
  reason  text
);

CREATE INDEX plan_events_plan ON plan_events (plan_id, at);

CREATE TABLE geofences (
  id          uuid PRIMARY KEY,
  name        text NOT NULL,
  kind        text NOT NULL CHECK (kind IN ('prohibited', 'restricted', 'advisory')),
  lower_alt   jsonb NOT NULL,
  upper_alt   jsonb NOT NULL,
  valid_from  timestamptz,
  valid_to    timestamptz,
  geometry    jsonb NOT NULL,
  properties  jsonb NOT NULL,
  origin      text NOT NULL DEFAULT 'api',
  created_by  text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- Grows with every change of the zones, so an instance can tell in its arbiter transaction
-- whether its in-memory zones are current.
CREATE TABLE airspace_revision (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  zones     bigint NOT NULL
);
INSERT INTO airspace_revision (zones) VALUES (0);

-- The arbiter's locks in one round trip, in the one order every writer uses: the zones lock
-- (shared; zone changes take it exclusively), then the stripes in ascending order.
CREATE FUNCTION sky_lock(zones_lock bigint, stripes bigint[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  s bigint;
BEGIN
  PERFORM pg_advisory_xact_lock_shared(zones_lock);
  FOREACH s IN ARRAY stripes LOOP
    PERFORM pg_advisory_xact_lock(s);
  END LOOP;
END
$$;
