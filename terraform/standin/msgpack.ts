/**
 * MessagePack as Terraform uses it for values on the plugin wire: the usual types plus extension 0
 * (an unknown value) and extension 12 (an unknown value with refinements, e.g. "not null").
 *
 * Small and schema-free on purpose: the stand-in decodes a configuration, copies parts of it into
 * the planned value and encodes it back, so every value must survive a round trip unchanged. Byte
 * strings stay Buffers (a dynamically typed value is `[type JSON as bytes, value]`), and unknown
 * values keep their refinement payload.
 */

/** An unknown value ("known after apply"), with the raw refinement payload when Terraform sent one. */
export class Unknown {
  constructor(readonly refinements?: Buffer) {}
}

/** The unknown value the stand-in plans for computed attributes. */
export const UNKNOWN = new Unknown();

/** A decoded value: plain JSON-like data, Buffers for msgpack bin, and Unknown. */
export type WireValue = null | boolean | number | string | Buffer | Unknown | WireValue[] | { [key: string]: WireValue };

export function isObject(value: WireValue | undefined): value is { [key: string]: WireValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Unknown) && !Buffer.isBuffer(value);
}

/** Decodes one msgpack value. */
export function decode(bytes: Uint8Array): WireValue {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 0;
  const take = (n: number): Buffer => {
    if (offset + n > buffer.length) throw new Error('msgpack: truncated value');
    const slice = buffer.subarray(offset, offset + n);
    offset += n;
    return slice;
  };
  const readArray = (n: number): WireValue[] => Array.from({ length: n }, () => read());
  const readMap = (n: number): { [key: string]: WireValue } => {
    const out: { [key: string]: WireValue } = {};
    for (let i = 0; i < n; i++) {
      const key = read();
      out[String(key)] = read();
    }
    return out;
  };
  const readExt = (type: number, n: number): WireValue => {
    const data = take(n);
    if (type === 0) return UNKNOWN;
    if (type === 12) return new Unknown(Buffer.from(data));
    throw new Error(`msgpack: unexpected extension type ${type}`);
  };
  const read = (): WireValue => {
    const code = take(1)[0];
    if (code <= 0x7f) return code;
    if (code >= 0xe0) return code - 0x100;
    if (code >= 0xa0 && code <= 0xbf) return take(code - 0xa0).toString('utf8');
    if (code >= 0x90 && code <= 0x9f) return readArray(code - 0x90);
    if (code >= 0x80 && code <= 0x8f) return readMap(code - 0x80);
    switch (code) {
      case 0xc0:
        return null;
      case 0xc2:
        return false;
      case 0xc3:
        return true;
      case 0xc4:
        return Buffer.from(take(take(1).readUInt8(0)));
      case 0xc5:
        return Buffer.from(take(take(2).readUInt16BE(0)));
      case 0xc6:
        return Buffer.from(take(take(4).readUInt32BE(0)));
      case 0xc7: {
        const n = take(1).readUInt8(0);
        return readExt(take(1).readInt8(0), n);
      }
      case 0xc8: {
        const n = take(2).readUInt16BE(0);
        return readExt(take(1).readInt8(0), n);
      }
      case 0xc9: {
        const n = take(4).readUInt32BE(0);
        return readExt(take(1).readInt8(0), n);
      }
      case 0xca:
        return take(4).readFloatBE(0);
      case 0xcb:
        return take(8).readDoubleBE(0);
      case 0xcc:
        return take(1).readUInt8(0);
      case 0xcd:
        return take(2).readUInt16BE(0);
      case 0xce:
        return take(4).readUInt32BE(0);
      case 0xcf:
        return Number(take(8).readBigUInt64BE(0));
      case 0xd0:
        return take(1).readInt8(0);
      case 0xd1:
        return take(2).readInt16BE(0);
      case 0xd2:
        return take(4).readInt32BE(0);
      case 0xd3:
        return Number(take(8).readBigInt64BE(0));
      case 0xd4:
      case 0xd5:
      case 0xd6:
      case 0xd7:
      case 0xd8: {
        const type = take(1).readInt8(0);
        return readExt(type, 1 << (code - 0xd4));
      }
      case 0xd9:
        return take(take(1).readUInt8(0)).toString('utf8');
      case 0xda:
        return take(take(2).readUInt16BE(0)).toString('utf8');
      case 0xdb:
        return take(take(4).readUInt32BE(0)).toString('utf8');
      case 0xdc:
        return readArray(take(2).readUInt16BE(0));
      case 0xdd:
        return readArray(take(4).readUInt32BE(0));
      case 0xde:
        return readMap(take(2).readUInt16BE(0));
      case 0xdf:
        return readMap(take(4).readUInt32BE(0));
      default:
        throw new Error(`msgpack: unsupported type byte 0x${code.toString(16)}`);
    }
  };
  return read();
}

function header(small: number, base: number, codes: readonly [number, number, number], n: number): Buffer {
  if (n < small) return Buffer.from([base + n]);
  if (n < 0x100 && codes[0] !== 0) return Buffer.from([codes[0], n]);
  if (n < 0x10000) return Buffer.from([codes[1], n >> 8, n & 0xff]);
  const out = Buffer.alloc(5);
  out[0] = codes[2];
  out.writeUInt32BE(n, 1);
  return out;
}

function encodeNumber(value: number): Buffer {
  if (Number.isInteger(value) && Math.abs(value) <= Number.MAX_SAFE_INTEGER) {
    if (value >= 0 && value <= 0x7f) return Buffer.from([value]);
    if (value < 0 && value >= -32) return Buffer.from([value + 0x100]);
    const out = Buffer.alloc(9);
    out[0] = 0xd3;
    out.writeBigInt64BE(BigInt(value), 1);
    return out;
  }
  const out = Buffer.alloc(9);
  out[0] = 0xcb;
  out.writeDoubleBE(value, 1);
  return out;
}

/** Encodes one value; unknown values become extension 0 (or 12 with their refinements). */
export function encode(value: WireValue): Buffer {
  const parts: Buffer[] = [];
  const write = (v: WireValue): void => {
    if (v === null) parts.push(Buffer.from([0xc0]));
    else if (v === true) parts.push(Buffer.from([0xc3]));
    else if (v === false) parts.push(Buffer.from([0xc2]));
    else if (typeof v === 'number') parts.push(encodeNumber(v));
    else if (typeof v === 'string') {
      const bytes = Buffer.from(v, 'utf8');
      parts.push(header(32, 0xa0, [0xd9, 0xda, 0xdb], bytes.length), bytes);
    } else if (Buffer.isBuffer(v)) {
      parts.push(header(0, 0, [0xc4, 0xc5, 0xc6], v.length), v);
    } else if (v instanceof Unknown) {
      if (v.refinements) parts.push(header(0, 0, [0xc7, 0xc8, 0xc9], v.refinements.length), Buffer.from([12]), v.refinements);
      else parts.push(Buffer.from([0xd4, 0, 0]));
    } else if (Array.isArray(v)) {
      parts.push(header(16, 0x90, [0, 0xdc, 0xdd], v.length));
      v.forEach(write);
    } else {
      const entries = Object.entries(v);
      parts.push(header(16, 0x80, [0, 0xde, 0xdf], entries.length));
      for (const [key, item] of entries) {
        write(key);
        write(item);
      }
    }
  };
  write(value);
  return Buffer.concat(parts);
}
