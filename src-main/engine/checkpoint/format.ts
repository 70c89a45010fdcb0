/**
 * The checkpoint file layout: safetensors (https://huggingface.co/docs/safetensors), so
 * Python (safetensors, or numpy alone) reads Flowbench checkpoints. Loading never executes
 * anything: the header is JSON.parse'd and the rest is raw float32.
 *
 *   bytes 0..7   uint64 LE header length N
 *   bytes 8..    N bytes of UTF-8 JSON, space-padded so the tensors start 8-byte aligned:
 *                  { "<tensor>": { "dtype": "F32", "shape": [...], "data_offsets": [begin, end] }, …,
 *                    "__metadata__": { "format": "flowbench-checkpoint", "format_version": "2",
 *                                      "payload_sha256": <hex of the tensor bytes>,
 *                                      "flowbench": <our metadata as a JSON string> } }
 *   then         the tensor bytes, little-endian float32, contiguous, in header order
 *                (safetensors' __metadata__ maps strings to strings, hence the JSON string).
 * Files in the older .fbckpt layout (legacy-format.ts, version 1) start with its magic and
 * still load.
 */
import { createHash } from 'node:crypto';
import { endianness } from 'node:os';
import type { DecodedCheckpoint, FormatHeader, NamedArray, TensorEntry } from './format-header.js';
import { LEGACY_PREFIX, MAGIC, decodeLegacyCheckpoint, decodeLegacyHeader, toLittleEndian } from './legacy-format.js';

export type { DecodedCheckpoint, FormatHeader, NamedArray, TensorEntry } from './format-header.js';

export const FORMAT_VERSION = 2;
/** Bytes before the JSON header (its uint64 length). */
const PREFIX = 8;
/** safetensors refuses headers above 100 MB; a larger length means this is not one. */
const MAX_HEADER = 100_000_000;

interface SafetensorsEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

/** Serialises `meta` (any JSON) plus the arrays into one safetensors buffer. */
export function encodeCheckpoint(meta: Record<string, unknown>, arrays: NamedArray[]): Buffer {
  const blobs: Buffer[] = [];
  const entries: Record<string, SafetensorsEntry> = {};
  let offset = 0;
  for (const a of arrays) {
    const size = a.shape.reduce((x, y) => x * y, 1);
    if (size !== a.data.length) throw new Error(`checkpoint: "${a.name}" has ${a.data.length} values for shape [${a.shape}]`);
    if (a.name === '__metadata__' || a.name in entries) throw new Error(`checkpoint: tensor name "${a.name}" is reserved or repeated`);
    const blob = toLittleEndian(a.data);
    entries[a.name] = { dtype: 'F32', shape: a.shape, data_offsets: [offset, offset + blob.length] };
    blobs.push(blob);
    offset += blob.length;
  }
  const payload = Buffer.concat(blobs);
  const header = {
    ...entries,
    __metadata__: {
      format: 'flowbench-checkpoint',
      format_version: String(FORMAT_VERSION),
      payload_sha256: createHash('sha256').update(payload).digest('hex'),
      flowbench: JSON.stringify(meta),
    },
  };
  let json = Buffer.from(JSON.stringify(header), 'utf8');
  const misalign = (PREFIX + json.length) % 8;
  if (misalign) json = Buffer.concat([json, Buffer.alloc(8 - misalign, 0x20)]);
  const prefix = Buffer.alloc(PREFIX);
  prefix.writeBigUInt64LE(BigInt(json.length), 0);
  return Buffer.concat([prefix, json, payload]);
}

/**
 * How many bytes from the start of a file hold its header, judged from its first 16 bytes
 * (either layout), so a caller can read the header without the tensors.
 */
export function headerBytes(start: Buffer): number {
  if (start.length >= 8 && start.subarray(0, 8).equals(MAGIC)) return start.length >= LEGACY_PREFIX ? LEGACY_PREFIX + start.readUInt32LE(12) : LEGACY_PREFIX;
  if (start.length < PREFIX) return PREFIX;
  return PREFIX + Number(start.readBigUInt64LE(0));
}

/** Parses the JSON header only (the tensors may be absent); JSON.parse, never eval. */
export function decodeHeader<H>(buf: Buffer, file: string): H & FormatHeader {
  if (buf.length >= 8 && buf.subarray(0, 8).equals(MAGIC)) return decodeLegacyHeader<H>(buf, file);
  return parseSafetensorsHeader<H>(buf, file).header;
}

/** Parses and verifies a checkpoint buffer (either layout); every defect is an Error naming `file`. */
export function decodeCheckpoint<H>(buf: Buffer, file: string): DecodedCheckpoint<H> {
  if (buf.length >= 8 && buf.subarray(0, 8).equals(MAGIC)) return decodeLegacyCheckpoint<H>(buf, file);
  const bad = (why: string): Error => new Error(`checkpoint ${file}: ${why}`);
  const { header, headerLen } = parseSafetensorsHeader<H>(buf, file);
  const payload = buf.subarray(PREFIX + headerLen);
  if (payload.length !== header.payload_bytes) {
    throw bad(`truncated or padded: the tensors take ${payload.length} bytes, the header says ${header.payload_bytes}`);
  }
  const sha = createHash('sha256').update(payload).digest('hex');
  if (sha !== header.payload_sha256) throw bad(`payload sha256 ${sha} does not match the header's ${header.payload_sha256} (corrupted)`);
  const arrays = new Map<string, NamedArray>();
  for (const t of header.tensors) {
    const bytes = Buffer.from(payload.subarray(t.offset, t.offset + t.bytes));
    if (endianness() !== 'LE') bytes.swap32();
    arrays.set(t.name, { name: t.name, shape: t.shape, data: new Float32Array(bytes.buffer, bytes.byteOffset, t.bytes / 4) });
  }
  return { header, arrays };
}

/** The safetensors header as our FormatHeader (tensors in offset order), checked for consistency. */
function parseSafetensorsHeader<H>(buf: Buffer, file: string): { header: H & FormatHeader; headerLen: number } {
  const bad = (why: string): Error => new Error(`checkpoint ${file}: ${why}`);
  if (buf.length < PREFIX) throw bad(`file is ${buf.length} bytes, too short to be a Flowbench checkpoint`);
  const len = buf.readBigUInt64LE(0);
  if (len > BigInt(MAX_HEADER) || buf[PREFIX] !== 0x7b /* { */) {
    throw bad('wrong magic bytes: neither a safetensors header (8-byte length, then JSON) nor a Flowbench .fbckpt checkpoint');
  }
  const headerLen = Number(len);
  if (PREFIX + headerLen > buf.length) throw bad(`truncated: header needs ${headerLen} bytes, file has ${buf.length - PREFIX}`);
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(buf.subarray(PREFIX, PREFIX + headerLen).toString('utf8')) as Record<string, unknown>;
  } catch (err) {
    throw bad(`header is not valid JSON (${(err as Error).message})`);
  }
  const meta = raw?.__metadata__ as Record<string, string> | undefined;
  if (meta?.format !== 'flowbench-checkpoint' || typeof meta.flowbench !== 'string') {
    throw bad('a safetensors file, but its __metadata__ lacks format "flowbench-checkpoint" and our metadata: not a Flowbench checkpoint');
  }
  const version = Number(meta.format_version);
  if (version !== FORMAT_VERSION) throw bad(`format version ${meta.format_version} is not supported (this build reads ${FORMAT_VERSION} and the .fbckpt version 1)`);
  const tensors: TensorEntry[] = [];
  let end = 0;
  for (const [name, e] of Object.entries(raw)) {
    if (name === '__metadata__') continue;
    const t = e as SafetensorsEntry;
    const size = Array.isArray(t?.shape) ? t.shape.reduce((x, y) => x * y, 1) : NaN;
    const [begin, stop] = Array.isArray(t?.data_offsets) ? t.data_offsets : [NaN, NaN];
    if (t?.dtype !== 'F32' || !(size * 4 === stop - begin) || !(begin >= 0) || begin % 4) {
      throw bad(`tensor "${name}" has inconsistent dtype/shape/data_offsets (${JSON.stringify(e)}); this build reads F32 tensors only`);
    }
    tensors.push({ name, shape: t.shape, dtype: 'float32', offset: begin, bytes: stop - begin });
    end = Math.max(end, stop);
  }
  tensors.sort((a, b) => a.offset - b.offset);
  let flowbench: H;
  try {
    flowbench = JSON.parse(meta.flowbench) as H;
  } catch (err) {
    throw bad(`__metadata__.flowbench is not valid JSON (${(err as Error).message})`);
  }
  const header = {
    ...flowbench,
    format: 'flowbench-checkpoint' as const,
    format_version: version,
    tensors,
    payload_bytes: end,
    payload_sha256: String(meta.payload_sha256),
  };
  return { header, headerLen };
}
