-- InterUSS flight_planning/v1: the caller names its flights (a UUID of its choosing); each name
-- points at the plan that holds the flight's sky road now. A plan belongs to at most one name.
CREATE TABLE interuss_flight_plans (
  flight_plan_id uuid PRIMARY KEY,
  plan_id        uuid NOT NULL UNIQUE REFERENCES flight_plans (id) ON DELETE CASCADE,
  owner          text NOT NULL,
  created_at     timestamptz NOT NULL
);

-- What the virtual user of such a flight was told without asking (pre-empted, off its plan), one
-- row per plan version: every instance hears the change, the first one writes it.
CREATE TABLE interuss_notifications (
  plan_id     uuid NOT NULL,
  version     integer NOT NULL,
  owner       text NOT NULL,
  observed_at timestamptz NOT NULL,
  message     text NOT NULL,
  conflicts   text NOT NULL CHECK (conflicts IN ('Unknown', 'None', 'Single', 'Multiple')),
  PRIMARY KEY (plan_id, version)
);

CREATE INDEX interuss_notifications_owner ON interuss_notifications (owner, observed_at);
