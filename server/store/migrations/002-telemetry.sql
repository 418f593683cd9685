-- Telemetry relayed by the gateways. Every sample carries its gateway's sequence number; the
-- highest one stored per gateway is kept with the samples, in the same transaction, so a batch
-- the gateway sends again after a lost acknowledgement is recognised and stored only once.

CREATE TABLE telemetry_gateways (
  gateway_id text PRIMARY KEY,
  last_seq   bigint NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- The latest known state of each drone, as GET /api/v1/drones shows it.
CREATE TABLE drone_states (
  drone_id    text PRIMARY KEY,
  gateway_id  text NOT NULL,
  time        timestamptz NOT NULL,
  received_at timestamptz NOT NULL,
  link        text NOT NULL CHECK (link IN ('live', 'stale', 'lost')),
  state       jsonb NOT NULL
);

-- Every sample, for tracks and replay. Queried by drone and time window.
CREATE TABLE telemetry_samples (
  drone_id           text NOT NULL,
  time               timestamptz NOT NULL,
  gateway_id         text NOT NULL,
  seq                bigint NOT NULL,
  lat                double precision NOT NULL,
  lon                double precision NOT NULL,
  alt_w84            double precision NOT NULL,
  alt_amsl           double precision NOT NULL,
  alt_relative       double precision,
  ground_speed_mps   double precision,
  vertical_speed_mps double precision,
  heading_deg        double precision,
  battery_percent    double precision,
  battery_voltage    double precision,
  mode               text,
  armed              boolean NOT NULL,
  gps_fix            smallint,
  remote_id          jsonb,
  received_at        timestamptz NOT NULL
);

CREATE INDEX telemetry_samples_track ON telemetry_samples (drone_id, time);
CREATE INDEX telemetry_samples_time ON telemetry_samples (time);
