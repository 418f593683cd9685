import { createHash } from 'node:crypto';
import { SIGNATURE_LENGTH, type Frame } from './framer.ts';

/** MAVLink 2 signing time counts 10 µs units from 2015-01-01T00:00:00Z. */
const SIGNING_EPOCH_MS = Date.UTC(2015, 0, 1);
/** A stream we have not heard before may start up to one minute behind our clock (MAVLink's rule). */
const NEW_STREAM_SLACK = 60 * 100_000;
/** Streams remembered for replay protection; the oldest is forgotten first. */
const MAX_STREAMS = 1024;
/** The radios' own RADIO_STATUS cannot be signed; MAVLink lets it through on a signed link. */
const UNSIGNED_ALLOWED = new Set([109]);

export function signingTime(ms: number): number {
  return Math.floor((ms - SIGNING_EPOCH_MS) * 100);
}

/** A 32-byte key: 64 hex digits as they are, anything else as a passphrase hashed with SHA-256 as Mission Planner does. */
export function signingKey(secret: string): Buffer {
  if (/^[0-9a-f]{64}$/i.test(secret)) return Buffer.from(secret, 'hex');
  return createHash('sha256').update(secret, 'utf8').digest();
}

/** The 48-bit signature: SHA-256 of key, frame and the first 7 signature bytes, truncated. */
function signatureOf(key: Buffer, signedPart: Uint8Array): Buffer {
  return createHash('sha256').update(key).update(signedPart).digest().subarray(0, 6);
}

/** Signs outgoing frames of one link; timestamps strictly increase even within one 10 µs tick. */
export class Signer {
  private last = 0;

  constructor(
    private readonly key: Buffer,
    private readonly linkId: number,
    private readonly clock: () => number = Date.now,
  ) {}

  /** `frame` is a MAVLink 2 frame serialised with the signed flag set (its CRC covers the flag). */
  sign(frame: Buffer): Buffer {
    const timestamp = Math.max(signingTime(this.clock()), this.last + 1);
    this.last = timestamp;
    const out = Buffer.allocUnsafe(frame.length + SIGNATURE_LENGTH);
    frame.copy(out);
    const at = frame.length;
    out[at] = this.linkId;
    out.writeUIntLE(timestamp, at + 1, 6);
    signatureOf(this.key, out.subarray(0, at + 7)).copy(out, at + 7);
    return out;
  }
}

export interface SigningPolicy {
  /** Null: signatures cannot be checked, signed frames pass as they would through a radio. */
  key: Buffer | null;
  /** Refuse unsigned frames (MAVLink 1 cannot be signed, so it is refused too). */
  require: boolean;
}

export interface SigningCounters {
  /** Signed frames whose signature and timestamp were good. */
  verified: number;
  unsignedRefused: number;
  badSignature: number;
  /** Good signature, but a timestamp not after the stream's last one: a replay. */
  replayed: number;
}

/** Checks incoming frames of one link against its signing policy; counts what it refuses. */
export class Verifier {
  readonly counters: SigningCounters = { verified: 0, unsignedRefused: 0, badSignature: 0, replayed: 0 };
  private readonly streams = new Map<string, number>();

  constructor(
    private readonly policy: SigningPolicy,
    private readonly clock: () => number = Date.now,
  ) {}

  accept(frame: Frame): boolean {
    if (!frame.signed) {
      if (!this.policy.require || UNSIGNED_ALLOWED.has(frame.msgid)) return true;
      this.counters.unsignedRefused++;
      return false;
    }
    const key = this.policy.key;
    if (!key) return true;
    const bytes = frame.bytes;
    const at = bytes.length - SIGNATURE_LENGTH;
    const expected = signatureOf(key, bytes.subarray(0, at + 7));
    if (!expected.equals(bytes.subarray(at + 7))) {
      this.counters.badSignature++;
      return false;
    }
    const timestamp = bytes.readUIntLE(at + 1, 6);
    const stream = `${frame.sysid}/${frame.compid}/${bytes[at]}`;
    const last = this.streams.get(stream);
    const stale = last === undefined ? timestamp < signingTime(this.clock()) - NEW_STREAM_SLACK : timestamp <= last;
    if (stale) {
      this.counters.replayed++;
      return false;
    }
    this.streams.delete(stream);
    this.streams.set(stream, timestamp);
    if (this.streams.size > MAX_STREAMS) this.streams.delete(this.streams.keys().next().value!);
    this.counters.verified++;
    return true;
  }
}
