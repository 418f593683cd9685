-- A decision's locks and its candidates in one round trip instead of three: the drones' locks,
-- the sky locks (sky_lock), then the zones' revision, the operator's cap and every other live
-- plan in the road's stripe windows. The read must not share the locking statement's snapshot,
-- taken before the locks were granted; it is a statement of its own inside this VOLATILE
-- function, and in READ COMMITTED each such statement takes a fresh snapshot, so it sees every
-- plan committed before the locks were granted.
CREATE FUNCTION sky_lock_candidates(
  zones_lock bigint, drones text[], shared_keys bigint[], exclusive_keys bigint[],
  stripes bigint[], t0 bigint[], t1 bigint[], except_plan uuid, deciding_owner text)
RETURNS TABLE (revision text, cap double precision, id text, version integer, priority integer, state text,
  held_until double precision)
LANGUAGE plpgsql VOLATILE AS $$
#variable_conflict use_column
DECLARE
  d text;
BEGIN
  FOREACH d IN ARRAY drones LOOP
    PERFORM pg_advisory_xact_lock(hashtextextended('drone:' || d, 0));
  END LOOP;
  PERFORM sky_lock(zones_lock, shared_keys, exclusive_keys);
  RETURN QUERY
    SELECT r.zones::text, (SELECT oc.cell_hours FROM operator_caps oc WHERE oc.operator = deciding_owner), c.*
    FROM airspace_revision r LEFT JOIN LATERAL (
      SELECT p.id::text, p.version, p.priority, p.state, (extract(epoch FROM p.held_until) * 1000)::float8
      FROM flight_plans p
      WHERE p.id IN (
        SELECT s.plan_id FROM unnest(stripes, t0, t1) AS u(stripe, a, z)
        CROSS JOIN LATERAL (
          SELECT plan_id FROM sky_road_stripes s
          WHERE s.stripe = u.stripe AND s.during && int8range(u.a, u.z) AND s.plan_id IS DISTINCT FROM except_plan
          LIMIT 10000) s)
    ) c ON true;
END
$$;
