/**
 * A small Protocol Buffers writer for the OpenAPI v2 document kubectl reads as protobuf: varints, 64-bit and
 * 32-bit fixed values, and length-delimited fields. (Request bodies are decoded with protobufjs in decode.ts.)
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
