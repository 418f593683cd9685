-- The arbiter's locks follow space and time (server/store/sky-locks.ts): a decision locks the
-- time buckets of each stripe its sky road touches, exclusively, with the stripe itself shared;
-- a stripe held over a long time is locked whole, exclusively. One statement takes them all
-- after the zones lock (shared; zone changes take it exclusively), in ascending key order
-- whatever the mode: the one order every writer uses, so no two wait on each other in a cycle.
DROP FUNCTION sky_lock(bigint, bigint[]);

CREATE FUNCTION sky_lock(zones_lock bigint, shared_keys bigint[], exclusive_keys bigint[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  k bigint;
  exclusive boolean;
BEGIN
  PERFORM pg_advisory_xact_lock_shared(zones_lock);
  FOR k, exclusive IN
    SELECT key, bool_or(x) FROM (
      SELECT unnest(shared_keys), false UNION ALL SELECT unnest(exclusive_keys), true) AS u(key, x)
    GROUP BY key ORDER BY key
  LOOP
    IF exclusive THEN
      PERFORM pg_advisory_xact_lock(k);
    ELSE
      PERFORM pg_advisory_xact_lock_shared(k);
    END IF;
  END LOOP;
END
$$;
