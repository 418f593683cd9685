import {
  ardupilotmega,
  asluav,
  common,
  development,
  icarous,
  minimal,
  MavLinkProtocolV2,
  standard,
  storm32,
  ualberta,
  uavionix,
  type MavLinkData,
  type MavLinkDataConstructor,
} from 'node-mavlink';
import type { Frame } from './framer.ts';
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
 * Serialises messages from one system on one link as MAVLink 2: its own sequence numbers and,
 * when the link has a key, signatures.
 */
export class Encoder {
  private seq = 0;
  private readonly plain: MavLinkProtocolV2;
  private readonly signing: MavLinkProtocolV2;

  constructor(
    source: Source,
    private readonly signer: Signer | null = null,
  ) {
    this.plain = new MavLinkProtocolV2(source.sysid, source.compid);
    this.signing = new MavLinkProtocolV2(source.sysid, source.compid, MavLinkProtocolV2.IFLAG_SIGNED);
  }

  encode(msg: MavLinkData): Buffer {
    const seq = this.seq;
    this.seq = (this.seq + 1) & 0xff;
    if (!this.signer) return this.plain.serialize(msg, seq);
    return this.signer.sign(this.signing.serialize(msg, seq));
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
