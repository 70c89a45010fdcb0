/** What a decoded checkpoint is, whichever layout it was read from (format.ts, legacy-format.ts). */

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

export interface DecodedCheckpoint<H> {
  header: H & FormatHeader;
  arrays: Map<string, NamedArray>;
}
