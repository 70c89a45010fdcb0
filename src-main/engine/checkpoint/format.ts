/**
 * The .fbckpt binary format (version 1). Loading never executes anything: the header is
 * JSON.parse'd and the rest is raw float32.
 *
 *   bytes 0..7    magic "FBCKPT\0\n"
 *   bytes 8..11   uint32 LE format version
 *   bytes 12..15  uint32 LE header length H (bytes, a multiple of 4)
 *   bytes 16..    H bytes of UTF-8 JSON header (space-padded)
 *   then          payload: little-endian float32 blobs; each tensor's offset/bytes are in
 *                 the header, relative to the payload start; header.payload_sha256 covers it.
 */
import { createHash } from 'node:crypto';
import { endianness } from 'node:os';

export const MAGIC = Buffer.from('FBCKPT\0\n', 'latin1');
export const FORMAT_VERSION = 1;
const PREFIX = 16;

export interface TensorEntry {
  name: string;
  shape: number[];
  dtype: 'float32';
  /** Byte offset from the payload start. */
  offset: number;
  bytes: number;
}

/** Header fields the format itself needs; the rest is the caller's JSON. */
export interface FormatHeader {
  format: 'flowbench-checkpoint';
  format_version: number;
  tensors: TensorEntry[];
  payload_bytes: number;
  payload_sha256: string;
}

export interface NamedArray {
  name: string;
  shape: number[];
  data: Float32Array;
}

function toLittleEndian(data: Float32Array): Buffer {
  const b = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return endianness() === 'LE' ? b : Buffer.from(b).swap32();
}

/** Serialises `meta` (any JSON) plus the arrays into one buffer. */
export function encodeCheckpoint(meta: Record<string, unknown>, arrays: NamedArray[]): Buffer {
  const blobs: Buffer[] = [];
  const tensors: TensorEntry[] = [];
  let offset = 0;
  for (const a of arrays) {
    const size = a.shape.reduce((x, y) => x * y, 1);
    if (size !== a.data.length) throw new Error(`checkpoint: "${a.name}" has ${a.data.length} values for shape [${a.shape}]`);
    const blob = toLittleEndian(a.data);
    tensors.push({ name: a.name, shape: a.shape, dtype: 'float32', offset, bytes: blob.length });
    blobs.push(blob);
    offset += blob.length;
  }
  const payload = Buffer.concat(blobs);
  const header: FormatHeader & Record<string, unknown> = {
    ...meta,
    format: 'flowbench-checkpoint',
    format_version: FORMAT_VERSION,
    tensors,
    payload_bytes: payload.length,
    payload_sha256: createHash('sha256').update(payload).digest('hex'),
  };
  let json = Buffer.from(JSON.stringify(header), 'utf8');
  if (json.length % 4) json = Buffer.concat([json, Buffer.alloc(4 - (json.length % 4), 0x20)]);
  const prefix = Buffer.alloc(PREFIX);
  MAGIC.copy(prefix, 0);
  prefix.writeUInt32LE(FORMAT_VERSION, 8);
  prefix.writeUInt32LE(json.length, 12);
  return Buffer.concat([prefix, json, payload]);
}

export interface DecodedCheckpoint<H> {
  header: H & FormatHeader;
  arrays: Map<string, NamedArray>;
}

/** Parses the prefix and JSON header only (the payload may be absent); JSON.parse, never eval. */
export function decodeHeader<H>(buf: Buffer, file: string): H & FormatHeader {
  const bad = (why: string): Error => new Error(`checkpoint ${file}: ${why}`);
  if (buf.length < PREFIX) throw bad(`file is ${buf.length} bytes, too short to be a Flowbench checkpoint`);
  if (!buf.subarray(0, 8).equals(MAGIC)) throw bad('wrong magic bytes: not a Flowbench .fbckpt checkpoint');
  const version = buf.readUInt32LE(8);
  if (version !== FORMAT_VERSION) throw bad(`format version ${version} is not supported (this build reads ${FORMAT_VERSION})`);
  const headerLen = buf.readUInt32LE(12);
  if (PREFIX + headerLen > buf.length) throw bad(`truncated: header needs ${headerLen} bytes, file has ${buf.length - PREFIX}`);
  let header: H & FormatHeader;
  try {
    header = JSON.parse(buf.subarray(PREFIX, PREFIX + headerLen).toString('utf8')) as H & FormatHeader;
  } catch (err) {
    throw bad(`header is not valid JSON (${(err as Error).message})`);
  }
  if (header?.format !== 'flowbench-checkpoint' || !Array.isArray(header.tensors)) throw bad('header lacks format/tensors');
  return header;
}

/** Parses and verifies a checkpoint buffer; every defect is an Error naming `file`. */
export function decodeCheckpoint<H>(buf: Buffer, file: string): DecodedCheckpoint<H> {
  const bad = (why: string): Error => new Error(`checkpoint ${file}: ${why}`);
  const header = decodeHeader<H>(buf, file);
  const headerLen = buf.readUInt32LE(12);
  const payload = buf.subarray(PREFIX + headerLen);
  if (payload.length !== header.payload_bytes) {
    throw bad(`truncated or padded: payload is ${payload.length} bytes, header says ${header.payload_bytes}`);
  }
  const sha = createHash('sha256').update(payload).digest('hex');
  if (sha !== header.payload_sha256) throw bad(`payload sha256 ${sha} does not match the header's ${header.payload_sha256} (corrupted)`);
  const arrays = new Map<string, NamedArray>();
  for (const t of header.tensors) {
    const size = Array.isArray(t.shape) ? t.shape.reduce((x, y) => x * y, 1) : NaN;
    if (t.dtype !== 'float32' || !(size * 4 === t.bytes) || t.offset < 0 || t.offset % 4 || t.offset + t.bytes > payload.length) {
      throw bad(`tensor "${t.name}" has inconsistent dtype/shape/offset (${JSON.stringify(t)})`);
    }
    const bytes = Buffer.from(payload.subarray(t.offset, t.offset + t.bytes));
    if (endianness() !== 'LE') bytes.swap32();
    arrays.set(t.name, { name: t.name, shape: t.shape, data: new Float32Array(bytes.buffer, bytes.byteOffset, size) });
  }
  return { header, arrays };
}
