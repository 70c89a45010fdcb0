import { readFileSync } from 'node:fs';
import { DataError } from '../errors.js';
import { limitEnvName, limits } from '../limits.js';

/**
 * Numeric delimited text: one column per channel, one row per sample.
 * - delimiter: comma, semicolon, tab, or (when none of those appears) runs of spaces;
 * - optional header row (detected: any non-numeric cell in the first row);
 * - lines starting with '#' are comments; "# key: value" comments are returned as meta;
 * - with ';' as delimiter a decimal comma ("0,25") is accepted.
 * Hand-written because numeric files need none of a general CSV parser's quoting rules;
 * a quoted header cell ("name") is unquoted.
 */

export interface CsvTable {
  /** columns[c][r]: column c, data row r. */
  columns: Float64Array[];
  names: string[];
  hasHeader: boolean;
  delimiter: ',' | ';' | '\t' | ' ';
  /** From "# key: value" comment lines. */
  meta: Record<string, string>;
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
  const hasHeader = head.some((c) => !isNumericCell(c, decimalComma));
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

  const rows: number[][] = Array.from({ length: width }, () => []);
  for (let i = hasHeader ? first + 1 : first; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '' || line.startsWith('#')) continue;
    const cells = splitLine(line, delimiter);
    if (rows[0]!.length >= maxRows) {
      throw new DataError(
        `${file}: more than ${maxRows} rows × ${width} columns; one recording may hold at most ${lim.maxSignalValues} values ` +
          `(the maxSignalValues limit, ${limitEnvName('maxSignalValues')}); split the recording into several files`,
        { file, value: i + 1 },
      );
    }
    if (cells.length !== width) {
      throw new DataError(`${file}: row ${i + 1} has ${cells.length} columns but ${hasHeader ? 'the header' : 'the first row'} has ${width}; every row needs ${width} values`, { file, value: i + 1 });
    }
    for (let j = 0; j < width; j++) {
      const cell = cells[j]!;
      const v = parseCell(cell, decimalComma);
      if (Number.isNaN(v) && !/^[+-]?nan$/i.test(cell)) {
        throw new DataError(
          `${file}: row ${i + 1}, column ${j + 1} (${names[j]}): '${cell.length > 40 ? cell.slice(0, 40) + '…' : cell}' is not a number; every cell after the header must be numeric`,
          { file, key: names[j], value: cell },
        );
      }
      rows[j]!.push(v);
    }
  }
  if (rows[0]!.length === 0) throw new DataError(`${file}: the header has no data rows below it; expected numeric rows, one per sample`, { file });
  return { columns: rows.map((r) => Float64Array.from(r)), names, hasHeader, delimiter, meta };
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
