/**
 * The first checkpoint layout (format version 1, written before the safetensors layout of
 * format.ts): still read, so older runs keep loading and resuming. Loading never executes
 * anything: the header is JSON.parse'd and the rest is raw float32.
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
import type { DecodedCheckpoint, FormatHeader, NamedArray, TensorEntry } from './format-header.js';

export const MAGIC = Buffer.from('FBCKPT\0\n', 'latin1');
export const LEGACY_FORMAT_VERSION = 1;
/** Bytes before the JSON header: magic, version, header length. */
export const LEGACY_PREFIX = 16;

export function toLittleEndian(data: Float32Array): Buffer {
  const b = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return endianness() === 'LE' ? b : Buffer.from(b).swap32();
}

/** Serialises `meta` plus the arrays in the version-1 layout (tests of the legacy reader; Flowbench writes format.ts). */
export function encodeLegacyCheckpoint(meta: Record<string, unknown>, arrays: NamedArray[]): Buffer {
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
    format_version: LEGACY_FORMAT_VERSION,
    tensors,
    payload_bytes: payload.length,
    payload_sha256: createHash('sha256').update(payload).digest('hex'),
  };
  let json = Buffer.from(JSON.stringify(header), 'utf8');
  if (json.length % 4) json = Buffer.concat([json, Buffer.alloc(4 - (json.length % 4), 0x20)]);
  const prefix = Buffer.alloc(LEGACY_PREFIX);
  MAGIC.copy(prefix, 0);
  prefix.writeUInt32LE(LEGACY_FORMAT_VERSION, 8);
  prefix.writeUInt32LE(json.length, 12);
  return Buffer.concat([prefix, json, payload]);
}

/** Parses the prefix and JSON header only (the payload may be absent); JSON.parse, never eval. */
export function decodeLegacyHeader<H>(buf: Buffer, file: string): H & FormatHeader {
  const bad = (why: string): Error => new Error(`checkpoint ${file}: ${why}`);
  if (buf.length < LEGACY_PREFIX) throw bad(`file is ${buf.length} bytes, too short to be a Flowbench checkpoint`);
  if (!buf.subarray(0, 8).equals(MAGIC)) throw bad('wrong magic bytes: not a Flowbench .fbckpt checkpoint');
  const version = buf.readUInt32LE(8);
  if (version !== LEGACY_FORMAT_VERSION) throw bad(`format version ${version} is not supported (this build reads ${LEGACY_FORMAT_VERSION})`);
  const headerLen = buf.readUInt32LE(12);
  if (LEGACY_PREFIX + headerLen > buf.length) throw bad(`truncated: header needs ${headerLen} bytes, file has ${buf.length - LEGACY_PREFIX}`);
  let header: H & FormatHeader;
  try {
    header = JSON.parse(buf.subarray(LEGACY_PREFIX, LEGACY_PREFIX + headerLen).toString('utf8')) as H & FormatHeader;
  } catch (err) {
    throw bad(`header is not valid JSON (${(err as Error).message})`);
  }
  if (header?.format !== 'flowbench-checkpoint' || !Array.isArray(header.tensors)) throw bad('header lacks format/tensors');
  return header;
}

/** Parses and verifies a checkpoint buffer; every defect is an Error naming `file`. */
export function decodeLegacyCheckpoint<H>(buf: Buffer, file: string): DecodedCheckpoint<H> {
  const bad = (why: string): Error => new Error(`checkpoint ${file}: ${why}`);
  const header = decodeLegacyHeader<H>(buf, file);
  const headerLen = buf.readUInt32LE(12);
  const payload = buf.subarray(LEGACY_PREFIX + headerLen);
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
