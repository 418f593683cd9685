-- Alerts raised by conformance monitoring. One row per condition (a drone's kind of trouble about
-- one subject: a zone, another drone, a plan), open while the condition lasts. `condition` names
-- it; the partial unique index lets at most one open row exist per condition, whichever
-- instance opens it, so dedupe holds across instances and restarts.
CREATE TABLE alerts (
  id              uuid PRIMARY KEY,
  condition       text NOT NULL,
  kind            text NOT NULL CHECK (kind IN ('nonconforming', 'contingent', 'geofence_breach', 'lost_link',
                    'proximity', 'unplanned_flight', 'low_battery', 'zone_over_active_plan')),
  drone_id        text,
  plan_id         uuid,
  subject_id      text,
  message         text NOT NULL,
  lat             double precision,
  lon             double precision,
  alt_w84         double precision,
  opened_at       timestamptz NOT NULL,
  closed_at       timestamptz,
  acknowledged_at timestamptz,
  acknowledged_by text,
  action          jsonb,
  -- Last change (opened, action outcome, acknowledged, closed): what `since` filters on.
  updated_at      timestamptz NOT NULL
);

CREATE UNIQUE INDEX alerts_open_condition ON alerts (condition) WHERE closed_at IS NULL;
CREATE INDEX alerts_opened ON alerts (opened_at);
CREATE INDEX alerts_updated ON alerts (updated_at);
