/**
 * Protocol Buffers wire format: a small writer (for the OpenAPI v2 document kubectl reads as protobuf) and a
 * reader (for `application/vnd.kubernetes.protobuf` request bodies). Only what those two need: varints,
 * 64-bit and 32-bit fixed values, and length-delimited fields.
 */

export const WireType = { varint: 0, fixed64: 1, bytes: 2, fixed32: 5 } as const;

export class ProtoWriter {
  private readonly chunks: Buffer[] = [];
  private size = 0;

  private push(b: Buffer): void {
    this.chunks.push(b);
    this.size += b.length;
  }

  private varint(v: number | bigint): void {
    let n = BigInt.asUintN(64, BigInt(v));
    const out: number[] = [];
    while (n > 0x7fn) {
      out.push(Number(n & 0x7fn) | 0x80);
      n >>= 7n;
    }
    out.push(Number(n));
    this.push(Buffer.from(out));
  }

  private tag(field: number, wire: number): void {
    this.varint((field << 3) | wire);
  }

  string(field: number, value: string | undefined): this {
    if (value === undefined) return this;
    return this.bytes(field, Buffer.from(value, "utf8"));
  }

  strings(field: number, values: readonly string[] | undefined): this {
    for (const v of values ?? []) this.string(field, v);
    return this;
  }

  bytes(field: number, value: Buffer): this {
    this.tag(field, WireType.bytes);
    this.varint(value.length);
    this.push(value);
    return this;
  }

  bool(field: number, value: boolean | undefined): this {
    if (value === undefined) return this;
    this.tag(field, WireType.varint);
    this.varint(value ? 1 : 0);
    return this;
  }

  int(field: number, value: number | undefined): this {
    if (value === undefined) return this;
    this.tag(field, WireType.varint);
    this.varint(value);
    return this;
  }

  /** A nested message written by `fn`. */
  message(field: number, fn: (w: ProtoWriter) => void): this {
    const inner = new ProtoWriter();
    fn(inner);
    return this.bytes(field, inner.finish());
  }

  finish(): Buffer {
    return Buffer.concat(this.chunks, this.size);
  }
}

export interface ProtoField {
  field: number;
  wire: number;
  /** varint / fixed values */
  int?: bigint;
  /** length-delimited payload */
  bytes?: Buffer;
}

export class ProtoDecodeError extends Error {}

/** Splits a message into its fields, in wire order. */
export function readFields(buf: Buffer): ProtoField[] {
  const out: ProtoField[] = [];
  let pos = 0;
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (pos >= buf.length) throw new ProtoDecodeError("unexpected end of data in varint");
      const b = buf[pos++] ?? 0;
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
      if (shift > 63n) throw new ProtoDecodeError("varint overflow");
    }
  };
  while (pos < buf.length) {
    const key = varint();
    const field = Number(key >> 3n);
    const wire = Number(key & 7n);
    if (field === 0) throw new ProtoDecodeError("illegal field number 0");
    switch (wire) {
      case WireType.varint:
        out.push({ field, wire, int: varint() });
        break;
      case WireType.fixed64:
        if (pos + 8 > buf.length) throw new ProtoDecodeError("unexpected end of data");
        out.push({ field, wire, int: buf.readBigUInt64LE(pos) });
        pos += 8;
        break;
      case WireType.fixed32:
        if (pos + 4 > buf.length) throw new ProtoDecodeError("unexpected end of data");
        out.push({ field, wire, int: BigInt(buf.readUInt32LE(pos)) });
        pos += 4;
        break;
      case WireType.bytes: {
        const len = Number(varint());
        if (pos + len > buf.length) throw new ProtoDecodeError("unexpected end of data");
        out.push({ field, wire, bytes: buf.subarray(pos, pos + len) });
        pos += len;
        break;
      }
      default:
        throw new ProtoDecodeError(`unsupported wire type ${wire}`);
    }
  }
  return out;
}
