/**
 * The dataset manifest: a CSV beside the data (LABELS.csv) or anywhere, one row per recording.
 *   required: path, label, domain, fs_hz       (path relative to the manifest's folder)
 *   optional: signal_key, rate_key, dataset, severity, rpm
 *   fs_hz may be left empty on a row whose rate_key names the scalar in the file holding the
 *   rate (a MAT variable or struct field such as `x.sr`).
 *   any other column is kept, as text, in SignalRecord.metadata.
 * Every problem is a DataError naming the manifest, the line and the column.
 */
import { limits, rateProblem } from './limits.js';
import { existsSync, statSync } from 'node:fs';
import { open, readdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { DataError, listNames } from './errors.js';
import { csvHeader, parseCsvTable } from './csv-table.js';
import type { SignalRecord } from './types.js';

export const MANIFEST_REQUIRED = ['path', 'label', 'domain', 'fs_hz'] as const;
export const MANIFEST_OPTIONAL = ['signal_key', 'rate_key', 'dataset', 'severity', 'rpm'] as const;
/** The manifest file name looked for in a data folder. */
export const MANIFEST_NAME = 'LABELS.csv';

/** True when a CSV header has every required manifest column. */
export function isManifestHeader(header: readonly string[]): boolean {
  return MANIFEST_REQUIRED.every((c) => header.includes(c));
}

/** Reads and checks a manifest; records in file order. */
export async function readManifest(file: string): Promise<SignalRecord[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new DataError(`manifest ${file} cannot be read: ${(err as Error).message}`, { file, cause: err });
  }
  const table = parseCsvTable(text, file);
  if (table.header.length === 0) {
    throw new DataError(`manifest ${file} is empty: expected a header line with columns ${MANIFEST_REQUIRED.join(', ')}`, { file });
  }
  const missing = MANIFEST_REQUIRED.filter((c) => !table.header.includes(c));
  if (missing.length > 0) {
    throw new DataError(
      `manifest ${file} lacks required column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} ` +
        `(found: ${listNames(table.header)}; required: ${MANIFEST_REQUIRED.join(', ')})`,
      { file, key: missing[0] },
    );
  }
  if (table.rows.length === 0) {
    throw new DataError(`manifest ${file} has a header but no rows: add one row per recording`, { file });
  }
  const col = (name: string): number => table.header.indexOf(name);
  const known = new Set<string>([...MANIFEST_REQUIRED, ...MANIFEST_OPTIONAL]);
  const base = dirname(resolve(file));
  const seen = new Map<string, number>();
  const pathCount = new Map<string, number>();
  for (const r of table.rows) {
    const p = normalisePath(r.cells[col('path')] ?? '');
    pathCount.set(p, (pathCount.get(p) ?? 0) + 1);
  }

  return table.rows.map((row, index) => {
    const where = `manifest ${file} line ${row.line}`;
    if (row.cells.length > table.header.length) {
      throw new DataError(
        `${where} has ${row.cells.length} fields but the header has ${table.header.length}: quote values that contain commas`,
        { file },
      );
    }
    const cell = (name: string): string => (col(name) >= 0 ? (row.cells[col(name)] ?? '') : '');
    for (const name of ['path', 'label', 'domain'] as const) {
      if (cell(name) === '') throw new DataError(`${where}: column '${name}' is empty; every row needs a ${name}`, { file, key: name });
    }
    const rel = normalisePath(cell('path'));
    const abs = resolve(base, rel);
    if (!existsSync(abs) || !statSync(abs).isFile()) {
      throw new DataError(`${where}, column 'path': file not found: ${rel} (looked for ${abs}; paths are relative to the manifest's folder)`, {
        file,
        key: 'path',
        value: rel,
      });
    }
    const fsText = cell('fs_hz');
    const rateKey = cell('rate_key') || null;
    const fsHz = fsText === '' && rateKey !== null ? null : Number(fsText);
    if (fsHz !== null && (fsText === '' || !Number.isFinite(fsHz) || fsHz <= 0 || rateProblem(fsHz) !== null)) {
      const lim = limits();
      throw new DataError(
        `${where}, column 'fs_hz': '${fsText}' is not a sample rate; expected a number of Hz from ${lim.minRateHz} to ${lim.maxRateHz} (e.g. 12000), ` +
          `or leave it empty and name the file's rate variable in a rate_key column (e.g. x.sr)`, {
        file,
        key: 'fs_hz',
        value: fsText,
      });
    }
    const signalKey = cell('signal_key') || null;
    const dupKey = `${rel}\u0000${signalKey ?? ''}`;
    const first = seen.get(dupKey);
    if (first !== undefined) {
      throw new DataError(
        `${where} repeats line ${first}: same path '${rel}' and signal_key '${signalKey ?? ''}'; each recording may appear once`,
        { file, key: 'path', value: rel },
      );
    }
    seen.set(dupKey, row.line);
    const metadata: Record<string, string> = {};
    table.header.forEach((h, i) => {
      if (!known.has(h) && h !== '') metadata[h] = row.cells[i] ?? '';
    });
    const severityText = cell('severity');
    const severity = severityText === '' || !Number.isFinite(Number(severityText)) ? null : Number(severityText);
    if (severityText !== '' && severity === null) metadata.severity = severityText;
    const rpmText = cell('rpm');
    const rpm = rpmText !== '' && Number(rpmText) > 0 ? Number(rpmText) : null;
    return {
      index,
      id: (pathCount.get(rel) ?? 0) > 1 && signalKey ? `${rel}#${signalKey}` : rel,
      path: abs,
      label: cell('label'),
      domain: cell('domain'),
      dataset: cell('dataset') || 'unknown',
      fsHz,
      signalKey,
      ...(rateKey !== null ? { rateKey } : {}),
      severity,
      rpm,
      metadata,
    };
  });
}

function normalisePath(p: string): string {
  return p.trim().replace(/\\/g, '/').replace(/^\.\//, '');
}

/** What a data folder holds at its top level: a manifest, a PHM-Vibench metadata table, or neither. */
export interface FoundTable {
  kind: 'manifest' | 'phm-vibench';
  file: string;
}

/**
 * Looks for LABELS.csv in dir, else for a single top-level *.csv whose header is a manifest's
 * (or PHM-Vibench metadata's). Several candidate CSVs are an error (which one is meant?).
 */
export async function findTable(dir: string, isPhmHeader: (h: string[]) => boolean): Promise<FoundTable | null> {
  const labels = join(dir, MANIFEST_NAME);
  if (existsSync(labels)) return { kind: 'manifest', file: labels };
  const csvs = (await readdir(dir, { withFileTypes: true }))
    .filter((e) => e.isFile() && e.name.toLowerCase().endsWith('.csv'))
    .map((e) => join(dir, e.name))
    .sort();
  const found: FoundTable[] = [];
  for (const f of csvs) {
    const header = csvHeader(await readHead(f));
    if (isManifestHeader(header)) found.push({ kind: 'manifest', file: f });
    else if (isPhmHeader(header)) found.push({ kind: 'phm-vibench', file: f });
  }
  if (found.length > 1) {
    throw new DataError(
      `${dir} holds several manifest-like CSVs (${listNames(found.map((f) => f.file))}): name one as data.path`,
      { file: dir },
    );
  }
  return found[0] ?? null;
}

/** First 64 KiB of a file as text: enough for a header line. */
export async function readHead(file: string): Promise<string> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(65536);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    return buf.subarray(0, bytesRead).toString('utf8');
  } finally {
    await fh.close();
  }
}
