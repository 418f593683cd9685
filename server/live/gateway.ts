import type { Namespace, Server, Socket } from 'socket.io';
import type { Logger } from '../log.ts';
import { CommandOutcome, LinkReport, type GatewayCommand } from '../protocol/index.ts';
import type { GatewayChannel } from '../telemetry/commands.ts';
import type { TelemetryIngest } from '../telemetry/ingest.ts';
import { bearerToken } from './auth.ts';

const GATEWAY_ID = /^[\w.-]{1,48}$/;

export interface GatewayNamespaceDeps {
  ingest: TelemetryIngest;
  /** Whether a bearer token may connect as a gateway. */
  authorised: (token: unknown) => boolean;
  clock: () => number;
  log: Logger;
}

export interface GatewayHub extends GatewayChannel {
  /** Ids of the gateways connected to this instance. */
  connected(): string[];
}

/**
 * The `/gateway` socket.io namespace: gateways authenticate with a bearer token and name
 * themselves; their telemetry batches go to the ingest and are acknowledged with its answer
 * (no answer when storing failed, so the gateway sends the batch again); commands go the other
 * way and come back with the drone's outcome.
 */
export function attachGatewayNamespace(io: Server, deps: GatewayNamespaceDeps): GatewayHub {
  const nsp: Namespace = io.of('/gateway');
  const sockets = new Map<string, Socket>();

  nsp.use((socket, next) => {
    const token = bearerToken(socket.handshake.headers.authorization) ?? socket.handshake.auth?.token;
    if (!deps.authorised(token)) return next(new Error('unauthorized: a gateway token is required'));
    const gatewayId: unknown = socket.handshake.auth?.gatewayId;
    if (typeof gatewayId !== 'string' || !GATEWAY_ID.test(gatewayId)) {
      return next(new Error('gatewayId: 1–48 letters, digits, dot, dash or underscore'));
    }
    socket.data.gatewayId = gatewayId;
    next();
  });

  nsp.on('connection', (socket) => {
    const gatewayId = socket.data.gatewayId as string;
    sockets.set(gatewayId, socket);
    deps.log.info({ gatewayId, address: socket.handshake.address }, 'gateway connected');

    socket.on('telemetry', async (batch: unknown, ack?: (answer: unknown) => void) => {
      try {
        const answer = await deps.ingest.accept(gatewayId, batch);
        ack?.(answer);
      } catch (err) {
        deps.log.error({ err, gatewayId }, 'telemetry batch not stored; the gateway will send it again');
      }
    });
    socket.on('link', async (raw: unknown) => {
      const report = LinkReport.safeParse(raw);
      if (!report.success) {
        deps.log.warn({ gatewayId, report: raw }, 'malformed link report');
        return;
      }
      try {
        await deps.ingest.report(gatewayId, report.data);
      } catch (err) {
        deps.log.error({ err, gatewayId, report: report.data }, 'link report not stored');
      }
    });
    socket.on('disconnect', (reason) => {
      if (sockets.get(gatewayId) === socket) sockets.delete(gatewayId);
      deps.log.info({ gatewayId, reason }, 'gateway disconnected');
    });
  });

  return {
    connected: () => [...sockets.keys()],
    async send(gatewayId: string, command: GatewayCommand, timeoutMs: number): Promise<CommandOutcome | null> {
      const socket = sockets.get(gatewayId);
      if (!socket) return null;
      const failed = (result: string, message: string): CommandOutcome => ({
        id: command.id,
        droneId: command.droneId,
        action: command.action,
        ok: false,
        result,
        message,
        steps: [],
        gatewayId,
        completedAt: new Date(deps.clock()).toISOString(),
      });
      let raw: unknown;
      try {
        raw = await socket.timeout(timeoutMs).emitWithAck('command', command);
      } catch {
        return failed('GATEWAY_TIMEOUT', `gateway ${gatewayId} gave no answer within ${timeoutMs} ms`);
      }
      const outcome = CommandOutcome.safeParse(raw);
      if (outcome.success) return outcome.data;
      deps.log.error({ gatewayId, answer: raw }, 'malformed command outcome');
      return failed('GATEWAY_ERROR', `gateway ${gatewayId} answered: ${JSON.stringify(raw).slice(0, 200)}`);
    },
  };
}
