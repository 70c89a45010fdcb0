import { describe, expect, it } from 'vitest';
import { csvHeader, parseCsvTable } from '../../../src-main/data/csv-table.js';
import { DataError } from '../../../src-main/data/errors.js';
import { limits } from '../../../src-main/data/limits.js';

function errorOf(f: () => unknown): DataError {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(DataError);
    return err as DataError;
  }
  throw new Error('expected a DataError');
}

describe('parseCsvTable (csv-parse)', () => {
  it('quoted commas, doubled quotes, a quoted line break, CRLF, a BOM, blank lines; each row with its line', () => {
    const t = parseCsvTable('\uFEFFpath, label\r\n\r\n a.mat ,"inner, race"\r\n"b.mat","say ""hi"""\n"c\nd.mat",x\ne.mat,y\n', 'L.csv');
    expect(t.header).toEqual(['path', 'label']);
    expect(t.rows).toEqual([
      { line: 3, cells: ['a.mat', 'inner, race'] },
      { line: 4, cells: ['b.mat', 'say "hi"'] },
      { line: 5, cells: ['c\nd.mat', 'x'] },
      { line: 7, cells: ['e.mat', 'y'] },
    ]);
  });

  it('a stray quote is a DataError naming the file, the line and the fix', () => {
    const e = errorOf(() => parseCsvTable('path,label\na.mat,ok\nb.mat,in"ner\n', 'LABELS.csv'));
    expect(e.message).toMatch(/^LABELS\.csv: not a valid CSV table at line 3 \(.*quote/i);
    expect(e.file).toBe('LABELS.csv');
  });

  it('a line of more columns than csvMaxColumns is refused before parsing', () => {
    const wide = 'path,label\n' + ','.repeat(2_000_000) + '\n';
    const e = errorOf(() => parseCsvTable(wide, 'wide.csv'));
    expect(e.message).toContain(`wide.csv: line 2 has more than ${limits().csvMaxColumns} columns (the csvMaxColumns limit, FLOWBENCH_LIMIT_CSV_MAX_COLUMNS)`);
  });

  it('csvHeader sniffs the first line; a line that is no table of text is no header', () => {
    expect(csvHeader('path,label,domain,fs_hz\n1,2,3,4\n')).toEqual(['path', 'label', 'domain', 'fs_hz']);
    expect(csvHeader('"unterminated,label\n')).toEqual([]);
  });
});
