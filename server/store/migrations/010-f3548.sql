-- ASTM F3548-21: soramichi as a USS among others.

-- Operational intents of other USSs, held here as plans owned by 'uss:<manager>' (same id as the
-- intent) so that the arbiter respects them like any plan; this row says which version of the
-- peer's intent the plan holds, and the OVN that proves we know it.
CREATE TABLE f3548_peer_intents (
  id           uuid PRIMARY KEY REFERENCES flight_plans (id) ON DELETE CASCADE,
  manager      text NOT NULL,
  uss_base_url text NOT NULL,
  version      integer NOT NULL,
  ovn          text NOT NULL,
  received_at  timestamptz NOT NULL
);

-- This USS's plans as published to the DSS: the plan version the DSS holds, its OVN, and the
-- operational intent as published (what peers are served). A plan whose publication failed
-- says so here, with the error, until a later try succeeds. claimed_until: an instance is
-- publishing it, so that two instances never write the same reference at once.
CREATE TABLE f3548_publications (
  plan_id         uuid PRIMARY KEY REFERENCES flight_plans (id) ON DELETE CASCADE,
  plan_version    integer NOT NULL DEFAULT 0,
  status          text NOT NULL CHECK (status IN ('pending', 'published', 'removed', 'failed')),
  ovn             text,
  dss_version     integer,
  subscription_id uuid,
  intent          jsonb,
  attempts        integer NOT NULL DEFAULT 0,
  last_error      text,
  claimed_until   timestamptz,
  updated_at      timestamptz NOT NULL
);

CREATE INDEX f3548_publications_failed ON f3548_publications (updated_at) WHERE status = 'failed';

-- Constraints of other USSs, held here as advisory zones (planning is told of them, as F3548's
-- constraint processing asks).
CREATE TABLE f3548_peer_constraints (
  id           uuid PRIMARY KEY,
  manager      text NOT NULL,
  uss_base_url text NOT NULL,
  version      integer NOT NULL,
  ovn          text NOT NULL,
  zone_ids     uuid[] NOT NULL,
  received_at  timestamptz NOT NULL
);
