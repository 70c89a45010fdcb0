/**
 * Small RFC-4180 CSV parser for tables of text (manifests, PHM-Vibench metadata): quoted
 * fields, doubled quotes, CRLF, a UTF-8 BOM. Signal CSVs (numbers) go through readers/.
 */
import { DataError } from './errors.js';
import { limitEnvName, limits } from './limits.js';

export interface CsvTable {
  header: string[];
  /** Data rows, each with its 1-based line number in the file. */
  rows: { line: number; cells: string[] }[];
}

/** Parses text into rows of cells. Blank lines are skipped. `file` names the source in errors. */
export function parseCsvTable(text: string, file = 'CSV text'): CsvTable {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const maxColumns = limits().csvMaxColumns;
  const records: { line: number; cells: string[] }[] = [];
  let cells: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let startLine = 1;
  let any = false;
  const endRecord = (): void => {
    cells.push(field);
    if (any || cells.length > 1 || cells[0] !== '') records.push({ line: startLine, cells });
    cells = [];
    field = '';
    any = false;
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else {
        if (ch === '\n') line++;
        field += ch;
      }
      continue;
    }
    if (ch === '"') {
      quoted = true;
      any = true;
    } else if (ch === ',') {
      if (cells.length >= maxColumns) {
        throw new DataError(`${file}: line ${startLine} has more than ${maxColumns} columns (the csvMaxColumns limit, ${limitEnvName('csvMaxColumns')})`, { file, value: startLine });
      }
      cells.push(field);
      field = '';
      any = true;
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
      startLine = line;
    } else {
      if (cells.length === 0 && field === '') startLine = line;
      field += ch;
    }
  }
  if (field !== '' || cells.length > 0 || any) endRecord();
  const [head, ...rows] = records;
  return { header: (head?.cells ?? []).map((h) => h.trim()), rows: rows.map((r) => ({ line: r.line, cells: r.cells.map((c) => c.trim()) })) };
}

/** Reads only the header line of a CSV file's text (cheap sniffing of large files). */
export function csvHeader(text: string): string[] {
  const nl = text.search(/\r?\n/);
  return parseCsvTable(nl >= 0 ? text.slice(0, nl) : text).header;
}
