/**
 * The shapes data/ hands to the engine and the host (docs/INTERFACES.md, "data/").
 * Everything here is plain data: typed arrays and JSON-serialisable records.
 */
import type { Signal } from './readers/signal-file.js';

export type { Signal };

/** One recording known to a data source (a manifest row, a catalogue file, a generated file). */
export interface SignalRecord {
  /** Position in DataSource.records (0-based). */
  index: number;
  /** Stable id: the manifest path (+ '#' + signal key when one file holds several records). */
  id: string;
  /** Absolute path of the file (synthetic: `synthetic://…`). */
  path: string;
  label: string;
  domain: string;
  dataset: string;
  /** Sample rate from the manifest/catalogue; null = ask the file. */
  fsHz: number | null;
  /** Variable/column (or suffix of one) holding the signal; null = the file's only signal. */
  signalKey: string | null;
  /** Scalar in the file holding the rate (manifest rate_key, e.g. `x.sr`); read when fsHz is null. */
  rateKey?: string | null;
  /** Fault size or level where the dataset gives one (CWRU: defect diameter in inches). */
  severity: number | null;
  /** Shaft speed (rev/min) where known. */
  rpm: number | null;
  /** Every other manifest column / parsed file-name field, as text. */
  metadata: Record<string, string>;
}

/** multi: several data sources merged (data.path as a list). */
export type DataSourceKind = 'synthetic' | 'manifest' | 'phm-vibench' | 'catalog' | 'file' | 'multi';

export interface DataSource {
  kind: DataSourceKind;
  /** One line for logs and the UI ("CWRU manifest /…/LABELS.csv: 19 files"). */
  description: string;
  /** The manifest / metadata table read, or null (synthetic, catalogue, single file). */
  manifestPath: string | null;
  records: SignalRecord[];
  /** sha256 (hex) over the normalised records and the bytes of every data file. */
  manifestHash: string;
  /** Things the user should know that did not stop the source from opening. */
  warnings: string[];
  /** Reads one record's signal (all channels the spec asked for). */
  readSignal(record: SignalRecord): Promise<Signal>;
}

/** Windows of one split. x is [n, length, channels] row-major: x[(i*length + t)*channels + c]. */
export interface WindowSet {
  x: Float32Array;
  n: number;
  length: number;
  channels: number;
  /** [n] index into PreparedData.classNames. */
  label: Int32Array;
  /** [n] index into PreparedData.domainNames. */
  domain: Int32Array;
  /** [n] index into PreparedData.datasetNames. */
  dataset: Int32Array;
  /** [n] index into PreparedData.files. */
  file: Int32Array;
  /** [n] first sample of the window in its recording. */
  start: Int32Array;
  /** [n] sample rate of the window's recording (0 when unknown). */
  fsHz: Float32Array;
}

export type SplitName = 'train' | 'val' | 'test';

/** What happened to one recording while preparing windows. */
export interface PreparedFile {
  index: number;
  id: string;
  path: string;
  label: string;
  domain: string;
  dataset: string;
  fsHz: number | null;
  /** Samples per channel in the recording. */
  samples: number;
  /** Split of the whole file (split.by = file) or 'segment' (cut into stretches). */
  split: SplitName | 'segment';
  /** Windows kept per split after validation. */
  windows: Record<SplitName, number>;
}

export type SkipReason = 'non_finite' | 'amplitude' | 'flat';

export interface PreparedData {
  train: WindowSet;
  val: WindowSet;
  test: WindowSet;
  /** Sorted; WindowSet.label indexes into it. */
  classNames: string[];
  domainNames: string[];
  datasetNames: string[];
  files: PreparedFile[];
  /** Windows dropped by validation (sum of skipReasons). */
  skippedWindows: number;
  skipReasons: Record<SkipReason, number>;
  manifestHash: string;
  /** E.g. a class with too few files for three file-level splits. */
  warnings: string[];
}
