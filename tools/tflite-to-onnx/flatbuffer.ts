/**
 * A minimal FlatBuffers reader: tables, scalars, strings and vectors by field slot, which is all the TFLite schema
 * needs. Written by hand instead of taking the `flatbuffers` package and generated code for one schema of which the
 * converter reads a few dozen fields (tflite-model.ts names them against the upstream schema.fbs).
 */

export class FlatTable {
  constructor(
    private readonly view: DataView,
    readonly pos: number,
  ) {}

  /** Byte position of field `slot`, or 0 when the writer left it out (the schema's default applies). */
  private field(slot: number): number {
    const vtable = this.pos - this.view.getInt32(this.pos, true);
    const vtableSize = this.view.getUint16(vtable, true);
    const entry = 4 + 2 * slot;
    if (entry >= vtableSize) return 0;
    const offset = this.view.getUint16(vtable + entry, true);
    return offset === 0 ? 0 : this.pos + offset;
  }

  private deref(at: number): number {
    return at + this.view.getUint32(at, true);
  }

  has(slot: number): boolean {
    return this.field(slot) !== 0;
  }

  int32(slot: number, fallback = 0): number {
    const at = this.field(slot);
    return at === 0 ? fallback : this.view.getInt32(at, true);
  }

  uint32(slot: number, fallback = 0): number {
    const at = this.field(slot);
    return at === 0 ? fallback : this.view.getUint32(at, true);
  }

  int8(slot: number, fallback = 0): number {
    const at = this.field(slot);
    return at === 0 ? fallback : this.view.getInt8(at);
  }

  bool(slot: number, fallback = false): boolean {
    const at = this.field(slot);
    return at === 0 ? fallback : this.view.getUint8(at) !== 0;
  }

  uint64(slot: number, fallback = 0n): bigint {
    const at = this.field(slot);
    return at === 0 ? fallback : this.view.getBigUint64(at, true);
  }

  string(slot: number): string | undefined {
    const bytes = this.bytes(slot);
    return bytes && new TextDecoder().decode(bytes);
  }

  table(slot: number): FlatTable | undefined {
    const at = this.field(slot);
    return at === 0 ? undefined : new FlatTable(this.view, this.deref(at));
  }

  /** A [ubyte] vector (or a string's bytes) as a view into the file, not a copy. */
  bytes(slot: number): Uint8Array | undefined {
    const start = this.vectorStart(slot);
    if (start === undefined) return undefined;
    const length = this.view.getUint32(start - 4, true);
    return new Uint8Array(this.view.buffer, this.view.byteOffset + start, length);
  }

  int32s(slot: number): number[] {
    const start = this.vectorStart(slot);
    if (start === undefined) return [];
    const length = this.view.getUint32(start - 4, true);
    return Array.from({ length }, (_, i) => this.view.getInt32(start + 4 * i, true));
  }

  tables(slot: number): FlatTable[] {
    const start = this.vectorStart(slot);
    if (start === undefined) return [];
    const length = this.view.getUint32(start - 4, true);
    return Array.from({ length }, (_, i) => new FlatTable(this.view, this.deref(start + 4 * i)));
  }

  /** Byte position of a vector's first element within the buffer (its length is the uint32 just before). */
  vectorStart(slot: number): number | undefined {
    const at = this.field(slot);
    return at === 0 ? undefined : this.deref(at) + 4;
  }
}

/** The root table of a FlatBuffer, after checking its 4-character file identifier. */
export function flatRoot(bytes: Uint8Array, identifier: string): FlatTable {
  if (bytes.byteLength < 8) throw new Error('file too short to be a FlatBuffer');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const found = new TextDecoder().decode(bytes.subarray(4, 8));
  if (found !== identifier) throw new Error(`not a ${identifier} FlatBuffer (file identifier '${found}')`);
  return new FlatTable(view, view.getUint32(0, true));
}
