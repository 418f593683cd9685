import {
  ardupilotmega,
  asluav,
  common,
  development,
  icarous,
  minimal,
  MavLinkProtocolV1,
  MavLinkProtocolV2,
  standard,
  storm32,
  ualberta,
  uavionix,
  type MavLinkData,
  type MavLinkDataConstructor,
} from 'node-mavlink';
import { CRC_LENGTH, frameCrc, V1_HEADER, type Frame } from './framer.ts';
import type { Signer } from './signing.ts';

export type MessageClass<T extends MavLinkData = MavLinkData> = MavLinkDataConstructor<T>;

/**
 * Every message of every dialect mavlink-mappings generates, by id: the same set as its CRC_EXTRA
 * table (MSG_ID_MAGIC_NUMBER), so whatever the framer checks, the codec can decode. The dialects
 * do not disagree on any id; ArduPilot's and the minimal set are applied last anyway.
 */
export const REGISTRY: Readonly<Record<number, MessageClass>> = {
  ...storm32.REGISTRY,
  ...ualberta.REGISTRY,
  ...development.REGISTRY,
  ...asluav.REGISTRY,
  ...icarous.REGISTRY,
  ...uavionix.REGISTRY,
  ...standard.REGISTRY,
  ...common.REGISTRY,
  ...ardupilotmega.REGISTRY,
  ...minimal.REGISTRY,
};

const reader = new MavLinkProtocolV2();

/** Decodes a frame as the given message; MAVLink 2's trimmed trailing zeros are restored first. */
export function decodeAs<T extends MavLinkData>(frame: Frame, clazz: MessageClass<T>): T {
  let payload = frame.payload;
  if (payload.length < clazz.PAYLOAD_LENGTH) {
    const full = Buffer.alloc(clazz.PAYLOAD_LENGTH);
    payload.copy(full);
    payload = full;
  }
  return reader.data(payload, clazz);
}

/** Decodes any frame the mappings know; null for unknown ids (they are relayed, not read). */
export function decode(frame: Frame): MavLinkData | null {
  const clazz = REGISTRY[frame.msgid];
  return clazz ? decodeAs(frame, clazz) : null;
}

function zeroOf(type: string, length: number): unknown {
  if (type === 'char[]') return '';
  if (type.endsWith('64_t[]')) return new Array<bigint>(length).fill(0n);
  if (type.endsWith('[]')) return new Array<number>(length).fill(0);
  return type.endsWith('64_t') ? 0n : 0;
}

/**
 * A message with every field set: node-mavlink's constructors leave enum fields as their names
 * (strings), which its serialisers cannot write. Fields not given are zero.
 */
export function message<T extends MavLinkData>(clazz: MessageClass<T>, fields: Partial<T>): T {
  const msg = new clazz();
  const slots = msg as unknown as Record<string, unknown>;
  for (const f of clazz.FIELDS) slots[f.name] = zeroOf(f.type, f.length);
  return Object.assign(msg, fields);
}

export interface Source {
  sysid: number;
  compid: number;
}

/**
 * The length of a message's payload without the fields MAVLink 2 appended (extensions), which a
 * MAVLink 1 frame does not carry: extensions always follow the original fields on the wire.
 */
function baseLength(clazz: MessageClass): number {
  let base = clazz.PAYLOAD_LENGTH;
  for (const f of clazz.FIELDS) if (f.extension) base = Math.min(base, f.offset);
  return base;
}

/**
 * Serialises messages from one system on one link: MAVLink 2 with its own sequence numbers and,
 * when the link has a key, signatures; or MAVLink 1 for a peer that speaks only that, whenever
 * the message fits in it (an id below 256, nothing in the extension fields; a signed link is
 * always MAVLink 2).
 */
export class Encoder {
  private seq = 0;
  private readonly plain: MavLinkProtocolV2;
  private readonly signing: MavLinkProtocolV2;
  private readonly v1: MavLinkProtocolV1;

  constructor(
    source: Source,
    private readonly signer: Signer | null = null,
  ) {
    this.plain = new MavLinkProtocolV2(source.sysid, source.compid);
    this.signing = new MavLinkProtocolV2(source.sysid, source.compid, MavLinkProtocolV2.IFLAG_SIGNED);
    this.v1 = new MavLinkProtocolV1(source.sysid, source.compid);
  }

  encode(msg: MavLinkData, version: 1 | 2 = 2): Buffer {
    const v1 = version === 1 && !this.signer ? this.asV1(msg, false) : null;
    if (v1) return v1;
    const seq = this.next();
    if (!this.signer) return this.plain.serialize(msg, seq);
    return this.signer.sign(this.signing.serialize(msg, seq));
  }

  private next(): number {
    const seq = this.seq;
    this.seq = (this.seq + 1) & 0xff;
    return seq;
  }

  /**
   * MAVLink 1 whatever the message holds in its extension fields, which are cut off: what an
   * autopilot on a MAVLink 1 link sends (a simulator's, a test's). Ids above 255 cannot be sent.
   */
  encodeV1(msg: MavLinkData): Buffer {
    const v1 = this.asV1(msg, true);
    if (!v1) throw new Error(`message id ${(msg.constructor as MessageClass).MSG_ID} does not fit in MAVLink 1`);
    return v1;
  }

  /** Null when the message does not fit in MAVLink 1 (unless its extensions may be cut off). */
  private asV1(msg: MavLinkData, cutExtensions: boolean): Buffer | null {
    const clazz = msg.constructor as MessageClass;
    if (clazz.MSG_ID > 255) return null;
    // node-mavlink's MAVLink 1 serialiser writes the extensions too: keep the original fields only.
    const full = this.v1.serialize(msg, 0);
    const base = baseLength(clazz);
    for (let i = V1_HEADER + base; i < V1_HEADER + clazz.PAYLOAD_LENGTH; i++) {
      if (full[i] !== 0 && !cutExtensions) return null;
    }
    const out = Buffer.alloc(V1_HEADER + base + CRC_LENGTH);
    full.copy(out, 0, 0, V1_HEADER + base);
    out[1] = base;
    out[2] = this.next();
    out.writeUInt16LE(frameCrc(out, 1, V1_HEADER + base, clazz.MAGIC_NUMBER), V1_HEADER + base);
    return out;
  }
}

/** A NUL-padded byte array (Remote ID ids are uint8_t[20]) as text. */
export function bytesToText(bytes: readonly number[]): string {
  let out = '';
  for (const b of bytes) {
    if (b === 0) break;
    out += String.fromCharCode(b);
  }
  return out;
}

export function textToBytes(text: string, length: number): number[] {
  const out = new Array<number>(length).fill(0);
  for (let i = 0; i < Math.min(text.length, length); i++) out[i] = text.charCodeAt(i) & 0xff;
  return out;
}
