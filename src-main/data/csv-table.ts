/**
 * Tables of text (manifests, PHM-Vibench metadata) read with csv-parse: RFC 4180 quoting,
 * CRLF, a UTF-8 BOM, blank lines skipped, cells trimmed. Signal CSVs (numbers) go through readers/.
 */
import { CsvError, parse } from 'csv-parse/sync';
import { DataError } from './errors.js';
import { limitEnvName, limits } from './limits.js';

export interface CsvTable {
  header: string[];
  /** Data rows, each with its 1-based line number in the file. */
  rows: { line: number; cells: string[] }[];
}

/**
 * Refuses a line with more than csvMaxColumns commas before parsing: csv-parse needs seconds for
 * a line of a hundred thousand fields, and a hostile file may hold millions. Commas inside quotes
 * count too, so this is an upper bound: no table of text comes near the limit.
 */
function checkColumns(text: string, file: string): void {
  const max = limits().csvMaxColumns;
  let commas = 0;
  let line = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      line++;
      commas = 0;
    } else if (c === 44 && ++commas >= max) {
      throw new DataError(`${file}: line ${line} has more than ${max} columns (the csvMaxColumns limit, ${limitEnvName('csvMaxColumns')})`, { file, value: line });
    }
  }
}

/** Parses text into rows of cells. Blank lines are skipped. `file` names the source in errors. */
export function parseCsvTable(text: string, file = 'CSV text'): CsvTable {
  checkColumns(text, file);
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, { bom: true, record_delimiter: ['\r\n', '\n', '\r'], skip_empty_lines: true, relax_column_count: true, trim: true, info: true }) as unknown as typeof records;
  } catch (err) {
    if (!(err instanceof CsvError)) throw err;
    const line = (err as CsvError & { lines?: number }).lines;
    throw new DataError(
      `${file}: not a valid CSV table${line ? ` at line ${line}` : ''} (${err.message}); quote a value that holds commas or quotes ("a, b"; a quote doubled: "" )`,
      { file, value: line, cause: err },
    );
  }
  // csv-parse reports the line a record ends on; a quoted value may span lines.
  const rows = records.map(({ record, info }) => ({
    line: info.lines - record.reduce((n, cell) => n + (cell.match(/\n/g)?.length ?? 0), 0),
    cells: record,
  }));
  const [head, ...rest] = rows;
  return { header: head?.cells ?? [], rows: rest };
}

/** Reads only the header line of a CSV file's text (cheap sniffing of large files). */
export function csvHeader(text: string): string[] {
  const nl = text.search(/\r?\n/);
  try {
    return parseCsvTable(nl >= 0 ? text.slice(0, nl) : text).header;
  } catch (err) {
    // Sniffing: a first line that is not a table of text is simply not a manifest's header.
    if (err instanceof DataError) return [];
    throw err;
  }
}
