-- Audit trail: every write (plans, zones, commands, acknowledgements, token issue) with who,
-- what, when, from where and the outcome. Append-only: no one changes a row, and no one deletes
-- one younger than the legal floor of 30 days (the configured retention may only be longer).
-- In production the application's role should also lack UPDATE/DELETE/TRUNCATE grants on it.
CREATE TABLE audit_log (
  id        bigserial PRIMARY KEY,
  at        timestamptz NOT NULL DEFAULT now(),
  actor     text NOT NULL,
  role      text NOT NULL,
  action    text NOT NULL,
  target    text,
  outcome   text NOT NULL,
  remote    text,
  detail    jsonb
);

CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_actor ON audit_log (actor, at);

CREATE FUNCTION audit_log_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF OLD.at > now() - interval '30 days' THEN
    RAISE EXCEPTION 'audit_log rows younger than 30 days cannot be deleted' USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN OLD;
END
$$;

CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_guard();

CREATE FUNCTION audit_log_no_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log cannot be truncated' USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_no_truncate();

-- A client that retries a request with the same Idempotency-Key gets the first answer again.
-- Written in the same transaction as what the request changed, so a crash cannot leave a plan
-- without its key (a retry would file it twice) or a key without its plan.
CREATE TABLE idempotency_keys (
  subject      text NOT NULL,
  key          text NOT NULL,
  request_hash text NOT NULL,
  status       integer NOT NULL,
  -- The answer sealed with DATA_KEY: it may carry the operator's contact details.
  body         bytea NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (subject, key)
);

CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

-- Operator contact details of a plan, encrypted (AES-256-GCM with DATA_KEY): personal data is not
-- kept in the clear, not even in the request as filed.
ALTER TABLE flight_plans ADD COLUMN contact bytea;

-- The tokens this server issued (never the tokens themselves): who holds one, with which role,
-- until when, and whether it was revoked. Revoked ids are held in memory by every instance and
-- announced on a channel, so a revocation takes effect everywhere at once.
CREATE TABLE tokens (
  id          uuid PRIMARY KEY,
  subject     text NOT NULL,
  role        text NOT NULL CHECK (role IN ('admin', 'operator', 'gateway', 'monitor')),
  drones      jsonb,
  issued_at   timestamptz NOT NULL,
  expires_at  timestamptz NOT NULL,
  issued_by   text NOT NULL,
  revoked_at  timestamptz
);

CREATE INDEX tokens_revoked ON tokens (expires_at) WHERE revoked_at IS NOT NULL;
