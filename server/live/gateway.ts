import type { Namespace, Server } from 'socket.io';
import { can, carrier } from '../auth/policy.ts';
import type { Principal } from '../auth/principal.ts';
import { Forbidden } from '../errors.ts';
import type { Logger } from '../log.ts';
import {
  CommandOutcome,
  GATEWAY_ID,
  GATEWAY_ID_RULE,
  IdCollisionReport,
  LinkReport,
  type GatewayCommand,
} from '../protocol/index.ts';
import type { GatewayChannel } from '../telemetry/commands.ts';
import type { TelemetryIngest } from '../telemetry/ingest.ts';
import { socketPrincipal, type SocketAuthenticator } from './socket-auth.ts';
import { type Clock } from '../clock.ts';
import type { Background } from '../background.ts';

export interface GatewayNamespaceDeps {
  /** Where failures of work nobody awaits are reported. */
  background: Background;
  ingest: TelemetryIngest;
  authenticate: SocketAuthenticator;
  clock: Clock;
  log: Logger;
}

export type GatewayHub = GatewayChannel;

/**
 * Who a connecting gateway is: a gateway token's subject, whatever the gateway calls itself (a
 * name that differs is refused, so one ground station can never speak or be commanded as
 * another). An administrator's token, used by tools and tests, names the gateway it acts as.
 */
function gatewayIdentity(who: Principal, claimed: unknown): string | Error {
  if (claimed !== undefined && (typeof claimed !== 'string' || !GATEWAY_ID.test(claimed))) {
    return new Error(`gatewayId: ${GATEWAY_ID_RULE}`);
  }
  if (who.role === 'gateway') {
    if (claimed !== undefined && claimed !== who.subject) {
      return new Error(
        `unauthorized: this token is gateway "${who.subject}", not "${claimed}" (start it with --id ${who.subject})`,
      );
    }
    if (!GATEWAY_ID.test(who.subject)) return new Error(`unauthorized: "${who.subject}" is not a gateway id`);
    return who.subject;
  }
  if (claimed === undefined) return new Error('gatewayId: an administrator’s token must name the gateway it acts as');
  return claimed;
}

/** Every gateway's socket is in its room, on whichever instance it is connected to. */
const gatewayRoom = (gatewayId: string) => `gateway:${gatewayId}`;

/**
 * The `/gateway` socket.io namespace: gateways authenticate with a bearer token and name
 * themselves; their telemetry batches go to the ingest and are acknowledged with its answer
 * (no answer when storing failed, so the gateway sends the batch again); commands go the other
 * way and come back with the drone's outcome.
 */
export function attachGatewayNamespace(io: Server, deps: GatewayNamespaceDeps): GatewayHub {
  const nsp: Namespace = io.of('/gateway');

  nsp.use(async (socket, next) => {
    const who = await socketPrincipal(deps.authenticate, socket);
    if (who instanceof Error) return next(who);
    if (!can(who, 'telemetry:send')) {
      return next(new Error(`unauthorized: a gateway token is required; this one is ${who.role} "${who.subject}"`));
    }
    socket.data.principal = who;
    const gatewayId = gatewayIdentity(who, socket.handshake.auth?.gatewayId);
    if (gatewayId instanceof Error) return next(gatewayId);
    socket.data.gatewayId = gatewayId;
    next();
  });

  nsp.on('connection', (socket) => {
    const gatewayId = socket.data.gatewayId as string;
    // Built here, not kept in socket.data: that travels between instances, a function does not.
    const carries = carrier(socket.data.principal as Principal);
    deps.background.run('join a room', socket.join(gatewayRoom(gatewayId)), { gatewayId });
    deps.log.info({ gatewayId, address: socket.handshake.address }, 'gateway connected');

    socket.on('telemetry', async (batch: unknown, ack?: (answer: unknown) => void) => {
      try {
        const answer = await deps.ingest.accept(gatewayId, batch, carries);
        ack?.(answer);
      } catch (err) {
        deps.log.error(
          { err, gatewayId, batch: batchId(batch) },
          'telemetry batch not stored; the gateway will send it again',
        );
      }
    });
    socket.on('link', async (raw: unknown) => {
      const report = LinkReport.safeParse(raw);
      if (!report.success) {
        deps.log.warn({ gatewayId, report: raw }, 'malformed link report');
        return;
      }
      if (!carries(report.data.droneId)) {
        deps.log.warn({ gatewayId, droneId: report.data.droneId }, 'link report for a drone not bound to this gateway');
        return;
      }
      try {
        await deps.ingest.report(gatewayId, report.data);
      } catch (err) {
        deps.log.error({ err, gatewayId, report: report.data }, 'link report not stored');
      }
    });
    socket.on('collision', (raw: unknown) => {
      const report = IdCollisionReport.safeParse(raw);
      if (!report.success) {
        deps.log.warn({ gatewayId, report: raw }, 'malformed collision report');
        return;
      }
      const foreign = report.data.vehicles.find((v) => v.droneId !== null && !carries(v.droneId));
      if (foreign) {
        deps.log.warn(
          { gatewayId, droneId: foreign.droneId },
          'collision report names a drone not bound to this gateway',
        );
        return;
      }
      deps.ingest.collision(gatewayId, report.data);
    });
    socket.on('disconnect', (reason) => {
      deps.log.info({ gatewayId, reason }, 'gateway disconnected');
    });
  });

  return {
    /** Through the instance the gateway is connected to, whichever it is (the cluster adapter finds it). */
    async send(gatewayId: string, command: GatewayCommand, timeoutMs: number): Promise<CommandOutcome | null> {
      // The newest of its connections: an older one may be a connection the gateway has already
      // replaced (a reconnect to another instance before this one noticed the loss).
      const [socket] = (await nsp.in(gatewayRoom(gatewayId)).fetchSockets())
        .reverse()
        .sort((a, b) => b.handshake.issued - a.handshake.issued);
      if (!socket) return null;
      if (!carrier(socket.data.principal as Principal)(command.droneId)) {
        throw new Forbidden(`gateway ${gatewayId} is not bound to drone ${command.droneId}`);
      }
      const failed = (result: string, message: string): CommandOutcome => ({
        id: command.id,
        droneId: command.droneId,
        action: command.action,
        ok: false,
        result,
        message,
        steps: [],
        gatewayId,
        completedAt: new Date(deps.clock.now()).toISOString(),
      });
      let raw: unknown;
      try {
        [raw] = (await nsp.to(socket.id).timeout(timeoutMs).emitWithAck('command', command)) as unknown[];
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

/** A batch as logs name it: the range of its seqs (what the gateway's own logs and spool show). */
function batchId(batch: unknown): string | null {
  const samples = (batch as { samples?: Array<{ seq?: unknown }> } | null)?.samples;
  if (!Array.isArray(samples) || samples.length === 0) return null;
  const seqs = samples.map((s) => s?.seq).filter((q): q is number => typeof q === 'number');
  return seqs.length ? `${Math.min(...seqs)}-${Math.max(...seqs)}` : null;
}
