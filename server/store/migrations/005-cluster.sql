-- Messages between server instances that are too large for NOTIFY's 8000 bytes (a frame's worth
-- of drones, a command with its mission), as the socket.io PostgreSQL adapter expects them;
-- the adapter deletes rows older than its cleanup interval.
CREATE TABLE socket_io_attachments (
  id         bigserial UNIQUE,
  created_at timestamptz DEFAULT now(),
  payload    bytea
);
