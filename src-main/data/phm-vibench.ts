/**
 * PHM-Vibench interoperability: its metadata table (exported as CSV) and H5 signal store.
 *   table:  Id, Dataset_id, Name, File, Label, Domain_id, Sample_rate, … (REFERENCE.md)
 *   H5:     {Name}.h5 per dataset, or a merged cache.h5, beside the table (or in h5/ or
 *           data/ under it); one dataset per str(Id), shaped (L, C) or (L, C, 1).
 * Unlabelled rows (empty Label) are kept with label 'unknown': pretraining needs no labels
 * (PHM-Vibench dropped them). Label stays the table's integer code, as text; the label's
 * description, fault level, RUL and the rest go to metadata.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { DataError, listNames } from './errors.js';
import { parseCsvTable } from './csv-table.js';
import { openHdf5 } from './readers/hdf5-reader.js';
import type { Signal, SignalRecord } from './types.js';

export const PHM_REQUIRED = ['Id', 'Dataset_id', 'Name', 'File', 'Label', 'Domain_id'] as const;

export function isPhmHeader(header: readonly string[]): boolean {
  return PHM_REQUIRED.every((c) => header.includes(c));
}

/** Where the H5 of a dataset lives: the first of {Name}.h5, cache.h5 in dir, h5/, data/. */
export function findPhmH5(dir: string, name: string): string | null {
  for (const sub of ['', 'h5', 'data']) {
    for (const f of [`${name}.h5`, 'cache.h5']) {
      const p = join(dir, sub, f);
      if (existsSync(p)) return p;
    }
  }
  return null;
}

/** Reads a metadata CSV; checks each row's H5 exists and holds its str(Id) dataset. */
export async function readPhmVibench(file: string): Promise<SignalRecord[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new DataError(`PHM-Vibench metadata ${file} cannot be read: ${(err as Error).message}`, { file, cause: err });
  }
  const table = parseCsvTable(text, file);
  const missing = PHM_REQUIRED.filter((c) => !table.header.includes(c));
  if (missing.length) {
    throw new DataError(
      `PHM-Vibench metadata ${file} lacks column(s) ${missing.join(', ')} (found: ${listNames(table.header)}; required: ${PHM_REQUIRED.join(', ')})`,
      { file, key: missing[0] },
    );
  }
  if (table.rows.length === 0) throw new DataError(`PHM-Vibench metadata ${file} has no rows`, { file });
  const dir = dirname(resolve(file));
  const col = (n: string): number => table.header.indexOf(n);
  const used = new Set<string>(['Id', 'Name', 'Label', 'Domain_id', 'Sample_rate']);
  const keysOf = new Map<string, Set<string>>();
  const seenIds = new Map<string, number>();

  const records: SignalRecord[] = [];
  for (const row of table.rows) {
    const cell = (n: string): string => (col(n) >= 0 ? (row.cells[col(n)] ?? '') : '');
    const where = `PHM-Vibench metadata ${file} line ${row.line}`;
    const id = cell('Id');
    if (!/^\d+$/.test(id)) throw new DataError(`${where}, column 'Id': '${id}' is not a non-negative integer`, { file, key: 'Id', value: id });
    if (seenIds.has(id)) throw new DataError(`${where} repeats Id ${id} of line ${seenIds.get(id)}; Ids must be unique`, { file, key: 'Id', value: id });
    seenIds.set(id, row.line);
    const name = cell('Name');
    if (name === '') throw new DataError(`${where}, column 'Name' is empty; it names the dataset and its {Name}.h5`, { file, key: 'Name' });
    const h5 = findPhmH5(dir, name);
    if (!h5) {
      throw new DataError(`${where}: no H5 for dataset '${name}': looked for ${name}.h5 and cache.h5 in ${dir} (and its h5/, data/)`, {
        file,
        key: 'Name',
        value: name,
      });
    }
    let keys = keysOf.get(h5);
    if (!keys) {
      const f = await openHdf5(h5);
      try {
        keys = new Set(f.list().map((d) => d.path));
      } finally {
        f.close();
      }
      keysOf.set(h5, keys);
    }
    if (!keys.has(id)) {
      throw new DataError(`${where}: ${h5} holds no dataset '${id}' for Id ${id} (it holds ${listNames([...keys], 10)})`, {
        file: h5,
        key: id,
      });
    }
    const fsText = cell('Sample_rate');
    const fsHz = fsText !== '' && Number(fsText) > 0 ? Number(fsText) : null;
    const label = cell('Label') === '' || /^nan$/i.test(cell('Label')) ? 'unknown' : cell('Label');
    const domainId = cell('Domain_id');
    const metadata: Record<string, string> = {};
    table.header.forEach((h, i) => {
      if (!used.has(h) && h !== '') metadata[h] = row.cells[i] ?? '';
    });
    const level = Number(cell('Fault_level'));
    records.push({
      index: records.length,
      id: `${name}/${id}`,
      path: h5,
      label,
      domain: domainId === '' || /^nan$/i.test(domainId) ? 'unknown' : `domain_${domainId}`,
      dataset: name,
      fsHz,
      signalKey: id,
      severity: cell('Fault_level') !== '' && Number.isFinite(level) ? level : null,
      rpm: null,
      metadata,
    });
  }
  return records;
}

/**
 * Reads one PHM-Vibench record: H5 dataset str(Id) of shape (L), (L, C) or (L, C, 1),
 * de-interleaved into C channels of L samples. channels picks columns by index.
 */
export async function readPhmSignal(record: SignalRecord, channels: (string | number)[] | null = null): Promise<Signal> {
  const key = record.signalKey ?? '';
  const f = await openHdf5(record.path);
  try {
    const { shape, data } = f.read(key);
    const shapeOk = shape.length === 1 || shape.length === 2 || (shape.length === 3 && shape[2] === 1);
    if (!shapeOk) {
      throw new DataError(`${record.path}: dataset '${key}' has shape (${shape.join(', ')}); expected (L, C) or (L, C, 1)`, {
        file: record.path,
        key,
        value: shape,
      });
    }
    const l = shape[0];
    const c = shape.length === 1 ? 1 : shape[1];
    const names = Array.from({ length: c }, (_, i) => `${key}[:,${i}]`);
    let pick = Array.from({ length: c }, (_, i) => i);
    if (channels) {
      pick = channels.map((ch) => {
        const i = typeof ch === 'number' ? ch : Number(ch);
        if (!Number.isInteger(i) || i < 0 || i >= c) {
          throw new DataError(`${record.path}: channel ${JSON.stringify(ch)} of dataset '${key}' does not exist; valid: indices 0..${c - 1}`, {
            file: record.path,
            key: 'channels',
            value: ch,
          });
        }
        return i;
      });
    }
    const out = pick.map((ch) => {
      const x = new Float32Array(l);
      for (let t = 0; t < l; t++) x[t] = data[t * c + ch];
      return x;
    });
    return { channels: out, channelNames: pick.map((i) => names[i]), fsHz: record.fsHz, rpm: null, file: record.path };
  } finally {
    f.close();
  }
}
