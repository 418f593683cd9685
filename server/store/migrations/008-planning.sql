-- Planning in steps and in numbers: a sky road held for a while before it is confirmed
-- (仮押さえ → 確定), per-operator caps on the sky held at once, and every decision kept so that
-- the city can show how the sky was shared.

-- Held: the sky road is reserved until held_until, then released unless the operator confirms it.
ALTER TABLE flight_plans DROP CONSTRAINT flight_plans_state_check;
ALTER TABLE flight_plans ADD CONSTRAINT flight_plans_state_check
  CHECK (state IN ('Held', 'Accepted', 'Activated', 'Nonconforming', 'Contingent', 'Ended', 'Cancelled', 'Preempted'));
ALTER TABLE flight_plans ADD COLUMN held_until timestamptz;
ALTER TABLE flight_plans ADD CONSTRAINT flight_plans_held_until CHECK ((state = 'Held') = (held_until IS NOT NULL));
CREATE INDEX flight_plans_held ON flight_plans (held_until) WHERE state = 'Held';

DROP INDEX flight_plans_live_time;
CREATE INDEX flight_plans_live_time ON flight_plans (time_end, time_start)
  WHERE state IN ('Held', 'Accepted', 'Activated', 'Nonconforming', 'Contingent');

-- How much sky a plan holds: the sum over its keys of the hours each cell is held. An operator's
-- live plans together may not exceed its cap; the arbiter sums this under the operator's lock.
ALTER TABLE flight_plans ADD COLUMN cell_hours double precision NOT NULL DEFAULT 0;
UPDATE flight_plans p SET cell_hours = (
  SELECT coalesce(sum(k.t1 - k.t0), 0) / 3600000.0 FROM sky_roads r, unnest(r.t0, r.t1) AS k(t0, t1)
  WHERE r.plan_id = p.id);
CREATE INDEX flight_plans_owner_live ON flight_plans (owner)
  WHERE state IN ('Held', 'Accepted', 'Activated', 'Nonconforming', 'Contingent');

-- The pilot's name and licence for the national filing, encrypted like the contact details.
ALTER TABLE flight_plans ADD COLUMN pilot bytea;

-- Caps set by an administrator: the most cell-hours an operator may hold at once.
CREATE TABLE operator_caps (
  operator   text PRIMARY KEY,
  cell_hours double precision NOT NULL CHECK (cell_hours > 0),
  set_by     text NOT NULL,
  set_at     timestamptz NOT NULL
);

-- Every decision on a plan request, refusals included (they leave no plan behind), and every
-- pre-emption: what the fairness report counts.
CREATE TABLE plan_decisions (
  id         bigserial PRIMARY KEY,
  at         timestamptz NOT NULL,
  operator   text NOT NULL,
  outcome    text NOT NULL CHECK (outcome IN ('accepted', 'refused', 'preempted')),
  reason     text CHECK (reason IN ('zone_conflict', 'flight_conflict', 'cap_exceeded')),
  plan_id    uuid,
  cell_hours double precision NOT NULL DEFAULT 0
);

CREATE INDEX plan_decisions_at ON plan_decisions (at);
