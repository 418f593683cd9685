-- Vehicles that answer to one MAVLink id on a gateway's link (two drones left on the factory
-- system id 1) raise an alert of their own kind.
ALTER TABLE alerts DROP CONSTRAINT alerts_kind_check;
ALTER TABLE alerts ADD CONSTRAINT alerts_kind_check CHECK (kind IN ('nonconforming', 'contingent', 'geofence_breach',
  'lost_link', 'proximity', 'unplanned_flight', 'low_battery', 'zone_over_active_plan', 'id_collision'));
