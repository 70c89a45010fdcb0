import { readFileSync } from 'node:fs';
import { DataError } from '../errors.js';
import { limitEnvName, limits } from '../limits.js';

/**
 * Numeric delimited text: one column per channel, one row per sample.
 * - delimiter: comma, semicolon, tab, or (when none of those appears) runs of spaces;
 * - optional header row (detected: any non-numeric cell in the first row);
 * - lines starting with '#' are comments; "# key: value" comments are returned as meta;
 * - with ';' as delimiter a decimal comma ("0,25") is accepted;
 * - time-stamp columns are recognised and left out of the signal columns (timeColumns):
 *   cells that are dates or clock times ("2024-03-01 12:00:00.25", "12:00:00.25"), a column
 *   named like a time axis (time, t, timestamp, time_s, seconds…) whose values increase, and
 *   in a file without a header a first column that increases by a constant step.
 * Hand-written because numeric files need none of a general CSV parser's quoting rules (a
 * quoted header cell ("name") is unquoted) and csv-parse, which reads the manifests
 * (csv-table.ts), took 139 ms per IMS snapshot (1.1 MB, 20,480 × 8) against 28 ms for
 * split-by-line here (5 rounds each, 5 Dec 2026).
 */

export interface CsvTable {
  /** columns[c][r]: column c, data row r. */
  columns: Float64Array[];
  names: string[];
  hasHeader: boolean;
  delimiter: ',' | ';' | '\t' | ' ';
  /** From "# key: value" comment lines. */
  meta: Record<string, string>;
  /** Time-stamp columns found and left out of `columns`/`names`. */
  timeColumns: string[];
}

/** A date and/or clock time: 2024-03-01, 2024/03/01 12:00, 01/03/2024 12:00:00.5, 12:00:00.125, ISO with T and zone. */
const TIME_STAMP = /^(\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4})?([ T]?\d{1,2}:\d{2}(:\d{2}([.,]\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/;
const isTimeStamp = (cell: string): boolean => /\d/.test(cell) && /[-/.:]\d/.test(cell) && TIME_STAMP.test(cell.replace(/^"(.*)"$/, '$1'));

/** Header names of a time axis (case-insensitive; units in brackets or after '_' allowed). */
const TIME_NAME = /^(t|time|times|timestamp|time_?stamp|date_?time|datetime|date|seconds|secs?|elapsed(_?time)?)([ _]*[([]?(s|sec|ms|us|µs|ns|seconds|milliseconds)[)\]]?)?$/i;

/** Strictly increasing; with `constantStep`, every step within 0.1 % of the first (a sampled time axis). */
function increasing(x: Float64Array, constantStep: boolean): boolean {
  if (x.length < 2) return false;
  const step = x[1]! - x[0]!;
  if (!(step > 0)) return false;
  for (let i = 1; i < x.length; i++) {
    const d = x[i]! - x[i - 1]!;
    if (!(d > 0) || (constantStep && Math.abs(d - step) > 1e-3 * step)) return false;
  }
  return true;
}

/** Tab, then ';' (whose files may use decimal commas), then ',', else whitespace. */
function detectDelimiter(line: string): CsvTable['delimiter'] {
  if (line.includes('\t')) return '\t';
  if (line.includes(';')) return ';';
  if (line.includes(',')) return ',';
  return ' ';
}

function splitLine(line: string, delimiter: CsvTable['delimiter']): string[] {
  const cells = delimiter === ' ' ? line.trim().split(/\s+/) : line.split(delimiter);
  // A trailing delimiter (common in exported files) does not add a column.
  if (cells.length > 1 && cells[cells.length - 1]!.trim() === '') cells.pop();
  return cells.map((c) => c.trim());
}

/** Strict number parse: Number('') is 0 and parseFloat('1x') is 1, neither is acceptable. */
function parseCell(cell: string, decimalComma: boolean): number {
  const s = decimalComma ? cell.replace(',', '.') : cell;
  if (s === '') return NaN;
  if (/^[+-]?(nan|inf|infinity)$/i.test(s)) {
    const lower = s.toLowerCase();
    return lower.includes('nan') ? NaN : lower.startsWith('-') ? -Infinity : Infinity;
  }
  return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s) ? Number(s) : Number.NaN;
}

function isNumericCell(cell: string, decimalComma: boolean): boolean {
  return !Number.isNaN(parseCell(cell, decimalComma)) || /^[+-]?nan$/i.test(cell);
}

/**
 * Parse numeric CSV text.
 * @param text the file's content
 * @param file the path, for error messages
 */
export function parseCsv(text: string, file: string): CsvTable {
  const lim = limits();
  const lines = text.split(/\r?\n/);
  // Checked before splitting cells: one line of millions of fields overflowed the stack at 4.4 GB.
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.length > lim.csvMaxLineChars) {
      throw new DataError(
        `${file}: line ${i + 1} has ${lines[i]!.length} characters; at most ${lim.csvMaxLineChars} are accepted (the csvMaxLineChars limit, ` +
          `${limitEnvName('csvMaxLineChars')}); expected one sample per line, one column per channel`,
        { file, value: i + 1 },
      );
    }
  }
  const meta: Record<string, string> = {};
  let first = -1;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith('#')) {
      const m = /^#\s*([^:=]+?)\s*[:=]\s*(.*)$/.exec(line);
      if (m) meta[m[1]!] = m[2]!.trim();
      continue;
    }
    if (line.trim() !== '') { first = i; break; }
  }
  if (first < 0) throw new DataError(`${file}: no data rows (the file is empty or holds only comments); expected numeric columns, one per channel`, { file });

  const delimiter = detectDelimiter(lines[first]!);
  const decimalComma = delimiter === ';';
  const head = splitLine(lines[first]!, delimiter);
  // A time stamp in the first row is data, not a header.
  const hasHeader = head.some((c) => !isNumericCell(c, decimalComma) && !isTimeStamp(c));
  const width = head.length;
  if (width > lim.csvMaxColumns) {
    throw new DataError(
      `${file}: line ${first + 1} has ${width} columns; at most ${lim.csvMaxColumns} channels are accepted (the csvMaxColumns limit, ` +
        `${limitEnvName('csvMaxColumns')}); expected one column per channel and one row per sample (transpose a row-per-channel file)`,
      { file, value: width },
    );
  }
  const maxRows = Math.floor(lim.maxSignalValues / width);
  const names = hasHeader ? head.map((c, j) => c.replace(/^"(.*)"$/, '$1') || `col${j}`) : head.map((_, j) => `col${j}`);

  // Columns of date/clock-time cells, told by the first data row, are not parsed as numbers.
  let stamp: boolean[] = new Array(width).fill(false);
  const rows: number[][] = Array.from({ length: width }, () => []);
  let firstRow = true;
  let dataRows = 0;
  for (let i = hasHeader ? first + 1 : first; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '' || line.startsWith('#')) continue;
    const cells = splitLine(line, delimiter);
    if (dataRows >= maxRows) {
      throw new DataError(
        `${file}: more than ${maxRows} rows × ${width} columns; one recording may hold at most ${lim.maxSignalValues} values ` +
          `(the maxSignalValues limit, ${limitEnvName('maxSignalValues')}); split the recording into several files`,
        { file, value: i + 1 },
      );
    }
    if (cells.length !== width) {
      throw new DataError(`${file}: row ${i + 1} has ${cells.length} columns but ${hasHeader ? 'the header' : 'the first row'} has ${width}; every row needs ${width} values`, { file, value: i + 1 });
    }
    if (firstRow) {
      stamp = cells.map((c) => !isNumericCell(c, decimalComma) && isTimeStamp(c));
      firstRow = false;
    }
    for (let j = 0; j < width; j++) {
      const cell = cells[j]!;
      if (stamp[j]) continue;
      const v = parseCell(cell, decimalComma);
      if (Number.isNaN(v) && !/^[+-]?nan$/i.test(cell)) {
        throw new DataError(
          `${file}: row ${i + 1}, column ${j + 1} (${names[j]}): '${cell.length > 40 ? cell.slice(0, 40) + '…' : cell}' is not a number; every cell after the header must be numeric`,
          { file, key: names[j], value: cell },
        );
      }
      rows[j]!.push(v);
    }
    dataRows++;
  }
  if (firstRow) throw new DataError(`${file}: the header has no data rows below it; expected numeric rows, one per sample`, { file });
  const columns = rows.map((r) => Float64Array.from(r));
  const time = columns.map((c, j) =>
    stamp[j] ||
    (hasHeader ? TIME_NAME.test(names[j]!) && increasing(c, false) : j === 0 && width > 1 && c.length >= 16 && increasing(c, true)));
  if (time.every(Boolean)) {
    throw new DataError(`${file}: every column holds time stamps (${names.join(', ')}); expected at least one numeric signal column beside them`, { file });
  }
  const keep = (_: unknown, j: number): boolean => !time[j];
  return { columns: columns.filter(keep), names: names.filter(keep), hasHeader, delimiter, meta, timeColumns: names.filter((_, j) => time[j]) };
}

/** Read and parse a numeric CSV/TXT file. */
export function readCsvFile(path: string): CsvTable {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    throw new DataError(`${path}: cannot read file (${code === 'ENOENT' ? 'no such file' : (code ?? String(cause))})`, { file: path, cause });
  }
  return parseCsv(text.replace(/^\uFEFF/, ''), path);
}
