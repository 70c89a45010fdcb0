/**
 * openDataSource: turns the `data` section of a RunSpec into records and a way to read them.
 *   source synthetic → the embedded bearing generator (synthetic-bearing.ts)
 *   source files     → data.path is
 *       a folder: LABELS.csv (or one manifest-like *.csv) → manifest; a PHM-Vibench metadata
 *                 CSV → PHM-Vibench; otherwise file names of a known dataset → catalogue;
 *       a .csv:   a manifest or PHM-Vibench table when its header says so, else a signal file;
 *       a .mat / .h5 / .hdf5: one recording labelled 'unknown'.
 *   data.layout (not auto) forces the reading: manifest, PHM-Vibench or a catalogue convention.
 *   A list of paths opens each as above and merges them (merge-sources.ts); task.datasets /
 *   task.max_datasets then keep the datasets the run uses (select-datasets.ts).
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { basename, isAbsolute, resolve } from 'node:path';
import { dataSources, type DataSourceSpec } from '../config/data-sources.js';
import type { DataSpec } from '../config/schema.js';
import { catalogRecords, type CatalogLayout } from './catalog.js';
import { DataError } from './errors.js';
import { findTable, isManifestHeader, readHead, readManifest } from './manifest.js';
import { csvHeader } from './csv-table.js';
import { isPhmHeader, readPhmSignal, readPhmVibench } from './phm-vibench.js';
import { isImsSnapshot } from './readers/ims-snapshot.js';
import { readSignalFile } from './readers/signal-file.js';
import { mergeSources } from './merge-sources.js';
import { selectDatasets, type DatasetSelection } from './select-datasets.js';
import { syntheticRecords, syntheticSignal } from './synthetic-bearing.js';
import type { DataSource, DataSourceKind, Signal, SignalRecord } from './types.js';

export interface OpenDataSourceOptions {
  /** Folder a relative data.path is resolved against. */
  cwd: string;
  /** environment.seed: drives the synthetic generator. */
  seed: number;
  /** task.datasets / task.max_datasets: which of the sources' datasets the run uses (select-datasets.ts); absent = all. */
  select?: DatasetSelection;
}

const SIGNAL_EXT = /\.(mat|h5|hdf5|csv)$/i;

export async function openDataSource(spec: DataSpec, opts: OpenDataSourceOptions): Promise<DataSource> {
  const opened = await openSources(spec, opts);
  return opts.select ? selectDatasets(opened, opts.select) : opened;
}

async function openSources(spec: DataSpec, opts: OpenDataSourceOptions): Promise<DataSource> {
  if (spec.source === 'synthetic') return syntheticSource(spec, opts.seed);
  if (spec.path === null) {
    throw new DataError(`data.path is not set: with data.source 'files' name a folder with a LABELS.csv, a manifest CSV or a signal file`, {
      key: 'data.path',
    });
  }
  // A source's own signal_key beats data.signal_key for that source's files (config/data-sources.ts).
  const withKey = (s: DataSourceSpec): DataSpec => (s.signal_key === null ? spec : { ...spec, signal_key: s.signal_key });
  const entries = dataSources(spec.path);
  if (!Array.isArray(spec.path)) return openPath(entries[0]!.path, withKey(entries[0]!), opts);
  const sources: { path: string; source: DataSource }[] = [];
  for (const s of entries) sources.push({ path: s.path, source: await openPath(s.path, withKey(s), opts) });
  return mergeSources(sources);
}

async function openPath(given: string, spec: DataSpec, opts: OpenDataSourceOptions): Promise<DataSource> {
  const path = isAbsolute(given) ? given : resolve(opts.cwd, given);
  if (!existsSync(path)) {
    throw new DataError(`data.path ${path} does not exist (given '${given}', relative to ${opts.cwd})`, { file: path, key: 'data.path', value: given });
  }
  const { kind, records, manifestPath, warnings, what } = await resolveRecords(path, spec.layout);
  const readOne = (r: SignalRecord): Promise<Signal> =>
    kind === 'phm-vibench'
      ? readPhmSignal(r, spec.channels)
      : readSignalFile(r.path, { signalKey: spec.signal_key ?? r.signalKey, channels: spec.channels, rateKey: r.rateKey ?? null });
  // A reader that trips over a hostile file (RangeError, TypeError…) is still bad input: name the file.
  const readSignal = (r: SignalRecord): Promise<Signal> =>
    readOne(r).catch((err: unknown) => {
      if (err instanceof DataError) throw err;
      const why = err instanceof Error ? err.message : String(err);
      throw new DataError(`${r.path}: cannot be read as a signal (${why}); the file is corrupt or not a MAT, HDF5 or CSV signal file`, { file: r.path, cause: err });
    });
  return {
    kind,
    description: `${what}: ${records.length} recording${records.length === 1 ? '' : 's'}`,
    manifestPath,
    records,
    manifestHash: await hashRecords(records),
    warnings,
    readSignal,
  };
}

function syntheticSource(spec: DataSpec, seed: number): DataSource {
  const s = spec.synthetic;
  const records = syntheticRecords(s, seed);
  const hash = createHash('sha256')
    .update(JSON.stringify({ generator: 'synthetic-bearing/1', params: s, seed }))
    .digest('hex');
  return {
    kind: 'synthetic',
    description: `synthetic bearings: ${records.length} recordings (${s.conditions.length} conditions, ${s.seconds} s at ${s.fs_hz} Hz)`,
    manifestPath: null,
    records,
    manifestHash: hash,
    warnings: [],
    readSignal: async (r) => syntheticSignal(r, s),
  };
}

interface Resolved {
  kind: DataSourceKind;
  records: SignalRecord[];
  manifestPath: string | null;
  warnings: string[];
  what: string;
}

async function resolveRecords(path: string, layout: DataSpec['layout']): Promise<Resolved> {
  const isDir = statSync(path).isDirectory();
  const catalogue = async (dir: string, l: CatalogLayout | 'auto'): Promise<Resolved> => {
    const c = await catalogRecords(dir, l);
    return { kind: 'catalog', records: c.records, manifestPath: null, warnings: c.warnings, what: `${c.layout} folder ${dir}` };
  };
  const manifest = async (file: string): Promise<Resolved> => ({
    kind: 'manifest',
    records: await readManifest(file),
    manifestPath: file,
    warnings: [],
    what: `manifest ${file}`,
  });
  const phm = async (file: string): Promise<Resolved> => ({
    kind: 'phm-vibench',
    records: await readPhmVibench(file),
    manifestPath: file,
    warnings: [],
    what: `PHM-Vibench metadata ${file}`,
  });

  if (layout === 'CWRU' || layout === 'XJTU' || layout === 'PU' || layout === 'HUST' || layout === 'IMS') {
    if (!isDir) throw new DataError(`data.layout ${layout} reads a folder by its file names, but data.path ${path} is a file`, { file: path, key: 'data.layout', value: layout });
    return catalogue(path, layout);
  }
  if (isDir) {
    const found = await findTable(path, isPhmHeader);
    if (layout === 'manifest' && found?.kind !== 'manifest') {
      throw new DataError(`data.layout is manifest but ${path} holds no LABELS.csv (or other CSV with columns path,label,domain,fs_hz)`, { file: path, key: 'data.layout' });
    }
    if (layout === 'PHM-Vibench' && found?.kind !== 'phm-vibench') {
      throw new DataError(`data.layout is PHM-Vibench but ${path} holds no metadata CSV with columns Id,Dataset_id,Name,File,Label,Domain_id (export the .xlsx table as CSV)`, {
        file: path,
        key: 'data.layout',
      });
    }
    if (found?.kind === 'manifest') return manifest(found.file);
    if (found?.kind === 'phm-vibench') return phm(found.file);
    return catalogue(path, 'auto');
  }
  if (!SIGNAL_EXT.test(path) && !isImsSnapshot(path)) {
    throw new DataError(`data.path ${path} is neither a folder nor a .mat, .h5, .hdf5, .csv or IMS snapshot file`, { file: path, key: 'data.path' });
  }
  if (/\.csv$/i.test(path)) {
    const header = csvHeader(await readHead(path));
    if (layout === 'manifest' || (layout === 'auto' && isManifestHeader(header))) return manifest(path);
    if (layout === 'PHM-Vibench' || (layout === 'auto' && isPhmHeader(header))) return phm(path);
  } else if (layout === 'manifest' || layout === 'PHM-Vibench') {
    throw new DataError(`data.layout is ${layout} but data.path ${path} is not a CSV table`, { file: path, key: 'data.layout', value: layout });
  }
  const record: SignalRecord = {
    index: 0,
    id: basename(path),
    path,
    label: 'unknown',
    domain: 'unknown',
    dataset: 'unknown',
    fsHz: null,
    signalKey: null,
    severity: null,
    rpm: null,
    metadata: {},
  };
  return { kind: 'file', records: [record], manifestPath: null, warnings: [], what: `file ${path}` };
}

/** sha256 over the normalised records (what each file is said to be) and every file's bytes. */
async function hashRecords(records: SignalRecord[]): Promise<string> {
  const h = createHash('sha256');
  for (const r of records) {
    // rateKey only when set, so the hashes of sources without one stay what they were.
    h.update(JSON.stringify([r.id, r.label, r.domain, r.dataset, r.fsHz, r.signalKey, r.severity, r.rpm, ...(r.rateKey ? [r.rateKey] : [])]) + '\n');
  }
  const seen = new Set<string>();
  for (const r of records) {
    if (seen.has(r.path)) continue;
    seen.add(r.path);
    h.update(`file ${r.id}\n`);
    await new Promise<void>((ok, fail) => {
      createReadStream(r.path, { highWaterMark: 1 << 20 })
        .on('data', (chunk) => h.update(chunk))
        .on('error', (err) => fail(new DataError(`cannot read ${r.path} to hash it: ${err.message}`, { file: r.path, cause: err })))
        .on('end', () => ok());
    });
  }
  return h.digest('hex');
}
