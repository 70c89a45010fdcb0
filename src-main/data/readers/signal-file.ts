import { statSync } from 'node:fs';
import { extname } from 'node:path';
import { DataError, listNames } from '../errors.js';
import { readCsvFile } from './csv-reader.js';
import { openHdf5 } from './hdf5-reader.js';
import { rateProblem } from '../limits.js';
import { type MatVariable, readMatFile } from './mat-reader.js';
import { type ChannelSource, pickChannels, resolveName } from './channel-select.js';
import { IMS_FS_HZ, IMS_RPM, imsChannelNames, isImsSnapshot } from './ims-snapshot.js';

/** One signal file read into memory: channels[c] has the samples of channel c. */
export interface Signal {
  channels: Float32Array[];
  channelNames: string[];
  fsHz: number | null;
  rpm: number | null;
  file: string;
}

/** Same as Signal with float64 samples, for statistics that must match SciPy exactly. */
export interface Signal64 extends Omit<Signal, 'channels'> {
  channels: Float64Array[];
}

export interface ReadSignalOptions {
  /** Variable/column/dataset name or a unique suffix of one (e.g. `_DE_time`). */
  signalKey?: string | null;
  /** Channels by name, unique suffix or index (into the keyed entry's channels, or the whole file's). */
  channels?: (string | number)[] | null;
  /**
   * The scalar that holds the sample rate (a MAT variable or struct field such as `x.sr`, an
   * HDF5 root attribute, a CSV `# key: value` comment), by name or unique suffix. Without it
   * a scalar with a rate's name (fs, sr, sample_rate…) is used, preferring the signal's own struct.
   */
  rateKey?: string | null;
}

export const SIGNAL_EXTENSIONS = ['.mat', '.h5', '.hdf5', '.csv', '.txt'] as const;

/** Scalars that carry a sample rate, by common names (case-insensitive). */
const FS_NAMES = new Set(['fs', 'fs_hz', 'sample_rate', 'sampling_rate', 'samplerate', 'sampling_frequency', 'sr']);

/** The last segment of a MAT struct path: `x.sr` → `sr`. */
const leaf = (name: string): string => name.slice(name.lastIndexOf('.') + 1);
/** The struct a variable or channel sits in: `x.gs:0` → `x`, `gs` → ''. */
const structOf = (name: string): string => name.replace(/:\d+$/, '').slice(0, Math.max(0, name.replace(/:\d+$/, '').lastIndexOf('.')));

/**
 * The sample rate for a channel from a file's scalars: the one `rateKey` names, else the first
 * with a rate's name in the channel's own struct, else at the top level.
 * @throws DataError when rateKey names nothing, or a rate is not a number or out of range
 */
function rateFrom(scalars: Record<string, string | number>, file: string, channelName: string, rateKey: string | null): number | null {
  const checked = (k: string, v: string | number): number => {
    const n = typeof v === 'number' ? v : Number(v);
    const bad = Number.isFinite(n) && n > 0 ? rateProblem(n) : 'not a positive number';
    // A rate of 1e-320 Hz would make resampling or windowing loop for ever: refuse it here.
    if (bad) throw new DataError(`${file}: sample rate '${k}' = ${v}: ${bad}; fix the file or give the rate in the manifest's fs_hz`, { file, key: k, value: v });
    return n;
  };
  if (rateKey !== null) {
    const k = resolveName(rateKey, Object.keys(scalars), file, 'rate key (the scalar holding the sample rate)');
    return checked(k, scalars[k]!);
  }
  const home = structOf(channelName);
  for (const where of [home, '']) {
    for (const [k, v] of Object.entries(scalars)) {
      if (structOf(k) !== where || !FS_NAMES.has(leaf(k).toLowerCase())) continue;
      const n = typeof v === 'number' ? v : Number(v);
      if (!Number.isFinite(n) || n <= 0) continue;
      return checked(k, v);
    }
    if (home === '') break;
  }
  return null;
}

/** A file's content seen as channel sources plus scalar metadata. */
interface FileContent {
  /** Entries a signalKey can name, each with its channels. */
  entries: { name: string; channels: ChannelSource[] }[];
  /** What the "no key, several signals" rule applies to: CSV columns are all taken by default. */
  defaultAll: boolean;
  /** Every variable/dataset/column in the file with its type and shape, for "no signal" errors. */
  found: string[];
  /** The sample rate the file gives for a channel (see rateFrom). */
  rateFor(channelName: string, rateKey: string | null): number | null;
  /** rpm for a chosen channel name. */
  rpmFor(channelName: string): number | null;
  close(): void;
}

/** `x (double 1000×1)`; a struct with its fields: `s (struct 1×1: gs, sr)`. */
function describeMatVariable(v: MatVariable): string {
  const shape = v.dims.join('×') || 'scalar';
  return v.fields ? `${v.name} (struct ${shape}: ${v.fields.length > 0 ? v.fields.join(', ') : 'no fields'}${v.dims.some((d) => d !== 1) ? '; a struct array, fields not read' : ''})` : `${v.name} (${v.className} ${shape})`;
}

async function openMat(path: string): Promise<FileContent> {
  const vars = await readMatFile(path);
  const entries: FileContent['entries'] = [];
  const scalars: Record<string, number> = {};
  for (const v of vars) {
    if (v.data === null) continue;
    if (v.data.length === 1) { scalars[v.name] = v.data[0]!; continue; }
    if (v.data.length === 0) continue;
    const data = v.data;
    const [r = 1, c = 1] = v.dims;
    if (v.dims.length > 2 && v.dims.slice(2).some((d) => d !== 1)) continue; // 3-D arrays are not signals
    if (r === 1 || c === 1) {
      entries.push({ name: v.name, channels: [{ name: v.name, load: () => data }] });
    } else {
      // Column-major: the longer axis is time; each column (or row) is a channel.
      const byColumns = r >= c;
      const count = byColumns ? c : r, len = byColumns ? r : c;
      const channels: ChannelSource[] = [];
      for (let k = 0; k < count; k++) {
        channels.push({
          name: `${v.name}:${k}`,
          load: () => {
            if (byColumns) return data.subarray(k * len, (k + 1) * len);
            const out = new Float64Array(len);
            for (let i = 0; i < len; i++) out[i] = data[k + i * r]!;
            return out;
          },
        });
      }
      entries.push({ name: v.name, channels });
    }
  }
  const rpmNames = Object.keys(scalars).filter((n) => /rpm$/i.test(n));
  return {
    entries,
    defaultAll: false,
    found: vars.map(describeMatVariable),
    rateFor: (channel, rateKey) => rateFrom(scalars, path, channel, rateKey),
    rpmFor(channelName) {
      // CWRU: X118_DE_time pairs with X118RPM; some files also hold a neighbour's variables.
      const prefix = /^([A-Za-z]*\d+)/.exec(channelName)?.[1];
      const own = prefix ? rpmNames.find((n) => n.toLowerCase() === `${prefix}rpm`.toLowerCase()) : undefined;
      const name = own ?? (rpmNames.length === 1 ? rpmNames[0] : undefined);
      return name === undefined ? null : scalars[name]!;
    },
    close() {},
  };
}

async function openH5(path: string): Promise<FileContent> {
  const h5 = await openHdf5(path);
  const entries: FileContent['entries'] = [];
  for (const info of h5.list()) {
    if (!/^(u?int|float)\d+$/.test(info.dtype)) continue;
    const shape = info.shape;
    const len = shape[0] ?? 0;
    if (len <= 1 || shape.slice(2).some((d) => d !== 1)) continue; // PHM-Vibench: (L), (L, C) or (L, C, 1)
    const count = shape[1] ?? 1;
    const cached: { data?: Float32Array | Float64Array } = {};
    const all = (): Float32Array | Float64Array => (cached.data ??= h5.read(info.path).data);
    const channels: ChannelSource[] = [];
    for (let k = 0; k < count; k++) {
      channels.push({
        name: count === 1 ? info.path : `${info.path}:${k}`,
        load: () => {
          const d = all();
          const out = new Float64Array(len);
          for (let i = 0; i < len; i++) out[i] = d[i * count + k]!;
          return out;
        },
      });
    }
    entries.push({ name: info.path, channels });
  }
  const rootAttributes = h5.attributes();
  return {
    entries,
    defaultAll: false,
    found: h5.list().map((d) => `${d.path} (${d.dtype} ${d.shape.join('×') || 'scalar'})`),
    rateFor: (channel, rateKey) => rateFrom(rootAttributes, path, channel, rateKey),
    rpmFor: () => null,
    close: () => h5.close(),
  };
}

function openCsv(path: string): FileContent {
  const table = readCsvFile(path);
  return {
    entries: table.columns.map((col, j) => ({ name: table.names[j]!, channels: [{ name: table.names[j]!, load: () => col }] })),
    defaultAll: true,
    found: [...table.names, ...table.timeColumns.map((n) => `${n} (time stamps, not a signal)`)],
    rateFor: (channel, rateKey) => rateFrom(table.meta, path, channel, rateKey),
    rpmFor: () => {
      const v = Number(table.meta.rpm ?? table.meta.RPM);
      return Number.isFinite(v) && v > 0 ? v : null;
    },
    close() {},
  };
}

function fileStamp(path: string): string {
  try {
    const st = statSync(path);
    return `${st.size}:${st.mtimeMs}`;
  } catch {
    return ''; // openCsv names the unreadable file
  }
}

/** The last IMS snapshot parsed: a dataset lists each of its 8 channels as its own record, read one after another. */
let lastIms: { path: string; stamp: string; content: FileContent } | null = null;

/** An IMS snapshot: headerless tab-separated text whose columns are named by bearing (ims-snapshot.ts). */
function openIms(path: string): FileContent {
  const stamp = fileStamp(path);
  if (lastIms?.path === path && lastIms.stamp === stamp) return lastIms.content;
  const csv = openCsv(path);
  const names = imsChannelNames(csv.entries.length);
  if (names === null) {
    throw new DataError(`${path}: an IMS snapshot has 8 columns (test 1) or 4 (tests 2–4), this one has ${csv.entries.length}`, { file: path, value: csv.entries.length });
  }
  const entries = csv.entries.map((e, j) => ({ name: names[j]!, channels: e.channels.map((c) => ({ ...c, name: names[j]! })) }));
  // The files carry no rate or speed; every IMS test ran at 20 kHz and 2000 rpm.
  const content = { ...csv, entries, rateFor: () => IMS_FS_HZ, rpmFor: () => IMS_RPM };
  lastIms = { path, stamp, content };
  return content;
}

/**
 * Read chosen channels of a signal file as float64.
 * Choice: `channels` (names/suffixes/indices) if given, else `signalKey`, else the only
 * signal (CSV/TXT: all columns); several signals without a key is a DataError listing them.
 */
export async function readSignalFile64(path: string, opts: ReadSignalOptions = {}): Promise<Signal64> {
  const ext = extname(path).toLowerCase();
  let content: FileContent;
  if (ext === '.mat') content = await openMat(path);
  else if (ext === '.h5' || ext === '.hdf5') content = await openH5(path);
  else if (ext === '.csv' || ext === '.txt') content = openCsv(path);
  else if (isImsSnapshot(path)) content = openIms(path);
  else {
    throw new DataError(`${path}: unsupported signal file extension '${ext || '(none)'}'; valid: ${SIGNAL_EXTENSIONS.join(', ')}`, { file: path, value: ext });
  }
  try {
    if (content.entries.length === 0) {
      throw new DataError(
        `${path}: no numeric signal found (need a numeric vector or an (L, C) array with L > 1); the file holds: ${listNames(content.found)}`,
        { file: path },
      );
    }
    const key = opts.signalKey ?? null;
    let pool: ChannelSource[];
    if (key !== null) {
      const names = content.entries.map((e) => e.name);
      const name = resolveName(key, names, path, 'signal key');
      pool = content.entries.find((e) => e.name === name)!.channels;
    } else {
      pool = content.entries.flatMap((e) => e.channels);
    }
    let chosen: ChannelSource[];
    if (opts.channels && opts.channels.length > 0) {
      chosen = pickChannels(opts.channels, pool, path);
    } else if (key !== null || content.defaultAll || content.entries.length === 1) {
      chosen = pool;
    } else {
      throw new DataError(
        `${path}: holds ${content.entries.length} signals and no signal key was given; set data.signal_key to one of: ${listNames(content.entries.map((e) => e.name))} (a unique suffix such as '_DE_time' also works)`,
        { file: path, key: 'signal_key' },
      );
    }
    const channels = chosen.map((c) => c.load());
    const first = channels[0]!.length;
    const uneven = channels.findIndex((c) => c.length !== first);
    if (uneven >= 0) {
      throw new DataError(`${path}: channels ${chosen[0]!.name} (${first} samples) and ${chosen[uneven]!.name} (${channels[uneven]!.length} samples) differ in length; choose channels of one recording`, { file: path, key: chosen[uneven]!.name });
    }
    return {
      channels,
      channelNames: chosen.map((c) => c.name),
      fsHz: content.rateFor(chosen[0]!.name, opts.rateKey ?? null),
      rpm: content.rpmFor(chosen[0]!.name),
      file: path,
    };
  } finally {
    content.close();
  }
}

/** Read chosen channels of a signal file as float32 (see readSignalFile64 for the choice rules). */
export async function readSignalFile(path: string, opts: ReadSignalOptions = {}): Promise<Signal> {
  const s = await readSignalFile64(path, opts);
  return { ...s, channels: s.channels.map((c) => new Float32Array(c)) };
}
