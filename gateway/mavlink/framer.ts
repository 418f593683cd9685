import { MSG_ID_MAGIC_NUMBER } from 'mavlink-mappings';

/*
 * Our own MAVLink 1/2 framer rather than node-mavlink's MavLinkPacketSplitter: the splitter drops
 * frames whose message id the mappings do not know (a router must relay them unchanged), keeps no
 * bound on its buffer while it waits for a frame that will never complete, and copies the whole
 * buffer on every chunk. node-mavlink still decodes and serialises (codec.ts).
 */

export const STX_V1 = 0xfe;
export const STX_V2 = 0xfd;
export const V1_HEADER = 6;
export const V2_HEADER = 10;
export const CRC_LENGTH = 2;
export const SIGNATURE_LENGTH = 13;
export const IFLAG_SIGNED = 0x01;
/** The longest frame MAVLink can carry: a signed MAVLink 2 frame with a 255-byte payload. */
export const MAX_FRAME = V2_HEADER + 255 + CRC_LENGTH + SIGNATURE_LENGTH;

export interface Frame {
  /** The whole frame as received, signature included: a view into the bytes that were pushed. */
  bytes: Buffer;
  version: 1 | 2;
  msgid: number;
  sysid: number;
  compid: number;
  seq: number;
  /** As on the wire: MAVLink 2 trims trailing zero bytes, so it may be shorter than the message. */
  payload: Buffer;
  signed: boolean;
  /** False when the mappings do not know the message id: its CRC_EXTRA was inferred, it is relayed, not decoded. */
  known: boolean;
}

export interface LinkCounters {
  /** Frames delivered, known and unknown ids. */
  frames: number;
  /** Bytes received. */
  bytes: number;
  /** Candidate frames of a known message id whose checksum did not match. */
  crcErrors: number;
  /** Frames delivered whose message id the mappings do not know. */
  unknownIds: number;
  /** Bytes thrown away: noise between frames, false starts, what a flush left incomplete. */
  drops: number;
}

export function newCounters(): LinkCounters {
  return { frames: 0, bytes: 0, crcErrors: 0, unknownIds: 0, drops: 0 };
}

/** CRC-16/MCRF4XX (MAVLink's "X.25" checksum), one table lookup per byte. */
const CRC_TABLE = new Uint16Array(256);
/** CRC_TABLE's inverse: which index yields a value, -1 when none (the 256 entries are distinct). */
const CRC_TABLE_INDEX = new Int16Array(65_536).fill(-1);
for (let i = 0; i < 256; i++) {
  let c = i;
  for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x8408 : c >>> 1;
  CRC_TABLE[i] = c;
  CRC_TABLE_INDEX[c] = i;
}

/** CRC_EXTRA by message id; -1 for ids the mappings do not know (every known id is below 65,536). */
const CRC_EXTRA = new Int16Array(65_536).fill(-1);
for (const [id, extra] of Object.entries(MSG_ID_MAGIC_NUMBER)) CRC_EXTRA[Number(id)] = extra;

export function crcExtraOf(msgid: number): number {
  return msgid < 65_536 ? CRC_EXTRA[msgid]! : -1;
}

/** The checksum MAVLink puts after a frame: bytes [start, end) then CRC_EXTRA. */
export function frameCrc(bytes: Uint8Array, start: number, end: number, extra: number): number {
  let crc = 0xffff;
  for (let i = start; i < end; i++) crc = (crc >>> 8) ^ CRC_TABLE[(crc ^ bytes[i]!) & 0xff]!;
  return (crc >>> 8) ^ CRC_TABLE[(crc ^ extra) & 0xff]!;
}

/**
 * Splits a byte stream into MAVLink frames. Survives what radios deliver: noise, runs of zeros,
 * console text, frames cut short. Holds at most one incomplete frame (MAX_FRAME bytes) between
 * pushes, so a link that carries no MAVLink at all costs nothing.
 *
 * A frame of unknown id cannot be checked against its CRC_EXTRA. It is accepted when some
 * CRC_EXTRA byte makes its checksum match and the next byte starts a frame (or the stream ends
 * there): a false start in noise passes both with odds of about 1 in 33,000.
 */
export class MavlinkFramer {
  private carry: Buffer | null = null;

  /** Several framers (one per UDP peer) may add to one link's counters. */
  constructor(readonly counters: LinkCounters = newCounters()) {}

  /** Frames are handed to `onFrame` as views into `chunk` (or into a small internal copy). */
  push(chunk: Buffer, onFrame: (frame: Frame) => void): void {
    this.counters.bytes += chunk.length;
    const data = this.carry ? Buffer.concat([this.carry, chunk]) : chunk;
    this.carry = null;
    const end = this.scan(data, onFrame, 'stream');
    if (end < data.length) this.carry = Buffer.from(data.subarray(end));
  }

  /**
   * The stream ended: what is pending can no longer grow into a frame. A complete frame that
   * was waiting for the byte after it is delivered; the rest is dropped.
   */
  flush(onFrame: (frame: Frame) => void): void {
    if (!this.carry) return;
    const data = this.carry;
    this.carry = null;
    this.scan(data, onFrame, 'final');
  }

  /**
   * A datagram ended. A complete frame that was waiting only for the byte after it (one of an
   * unknown id) is delivered now; an incomplete one is kept, for its rest may come in the next
   * datagram: serial-to-UDP bridges (socat, ser2net, radios) cut the byte stream anywhere.
   */
  endOfDatagram(onFrame: (frame: Frame) => void): void {
    if (!this.carry) return;
    const data = this.carry;
    this.carry = null;
    const end = this.scan(data, onFrame, 'datagram');
    if (end < data.length) this.carry = Buffer.from(data.subarray(end));
  }

  /** Bytes held between pushes; never more than MAX_FRAME. */
  get pending(): number {
    return this.carry?.length ?? 0;
  }

  /**
   * Returns where the unconsumed bytes start. `stream`: more bytes follow; `datagram`: more may
   * follow, but not right after a complete frame; `final`: nothing follows, everything is consumed.
   */
  private scan(data: Buffer, onFrame: (frame: Frame) => void, mode: 'stream' | 'datagram' | 'final'): number {
    const final = mode === 'final';
    const c = this.counters;
    const n = data.length;
    let i = 0;
    while (i < n) {
      const stx = data[i]!;
      if (stx !== STX_V1 && stx !== STX_V2) {
        let j = i + 1;
        while (j < n && data[j] !== STX_V1 && data[j] !== STX_V2) j++;
        c.drops += j - i;
        i = j;
        continue;
      }
      const v2 = stx === STX_V2;
      const header = v2 ? V2_HEADER : V1_HEADER;
      if (n - i < header) {
        if (!final) return i;
        c.drops++;
        i++;
        continue;
      }
      const len = data[i + 1]!;
      const flags = v2 ? data[i + 2]! : 0;
      // An incompatibility flag we do not understand means we cannot read the frame: the
      // MAVLink 2 rule is to drop it, and in noise it marks a false start.
      if (flags & ~IFLAG_SIGNED) {
        c.drops++;
        i++;
        continue;
      }
      const signed = (flags & IFLAG_SIGNED) !== 0;
      const crcAt = i + header + len;
      const size = header + len + CRC_LENGTH + (signed ? SIGNATURE_LENGTH : 0);
      if (n - i < size) {
        if (!final) return i;
        c.drops++;
        i++;
        continue;
      }
      const msgid = v2 ? data[i + 7]! | (data[i + 8]! << 8) | (data[i + 9]! << 16) : data[i + 5]!;
      const received = data[crcAt]! | (data[crcAt + 1]! << 8);
      const extra = msgid < 65_536 ? CRC_EXTRA[msgid]! : -1;
      const known = extra >= 0;
      if (known) {
        if (frameCrc(data, i + 1, crcAt, extra) !== received) {
          c.crcErrors++;
          c.drops++;
          i++;
          continue;
        }
      } else {
        if (!this.someExtraMatches(data, i + 1, crcAt, received)) {
          c.drops++;
          i++;
          continue;
        }
        const next = i + size;
        if (next < n) {
          if (data[next] !== STX_V1 && data[next] !== STX_V2) {
            c.drops++;
            i++;
            continue;
          }
        } else if (mode === 'stream') {
          return i;
        }
        c.unknownIds++;
      }
      c.frames++;
      onFrame({
        bytes: data.subarray(i, i + size),
        version: v2 ? 2 : 1,
        msgid,
        sysid: data[i + (v2 ? 5 : 3)]!,
        compid: data[i + (v2 ? 6 : 4)]!,
        seq: data[i + (v2 ? 4 : 2)]!,
        payload: data.subarray(i + header, crcAt),
        signed,
        known,
      });
      i += size;
    }
    return n;
  }

  /** Whether any CRC_EXTRA byte turns the checksum of [start, end) into `received`. */
  private someExtraMatches(data: Buffer, start: number, end: number, received: number): boolean {
    let crc = 0xffff;
    for (let k = start; k < end; k++) crc = (crc >>> 8) ^ CRC_TABLE[(crc ^ data[k]!) & 0xff]!;
    // The last step is (crc >>> 8) ^ TABLE[(crc ^ extra) & 0xff]; as extra runs over 0..255 the
    // index does too, so a match exists exactly when TABLE holds (crc >>> 8) ^ received.
    return CRC_TABLE_INDEX[(crc >>> 8) ^ received]! >= 0;
  }
}
