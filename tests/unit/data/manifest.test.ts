import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataError } from '../../../src-main/data/errors.js';
import { findTable, readManifest } from '../../../src-main/data/manifest.js';
import { isPhmHeader } from '../../../src-main/data/phm-vibench.js';
import { tempDir } from './data-paths.js';

/** A folder with two (empty) signal files and the given manifest text. */
function folder(manifest: string, name = 'LABELS.csv'): { dir: string; file: string } {
  const dir = tempDir('manifest');
  mkdirSync(path.join(dir, 'sub'));
  writeFileSync(path.join(dir, 'a.mat'), '');
  writeFileSync(path.join(dir, 'sub', 'b.mat'), '');
  const file = path.join(dir, name);
  writeFileSync(file, manifest);
  return { dir, file };
}

async function errorOf(p: Promise<unknown>): Promise<DataError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(DataError);
    return err as DataError;
  }
  throw new Error('expected a DataError');
}

describe('readManifest', () => {
  it('reads rows with paths relative to the manifest, optional columns and metadata', async () => {
    const { dir, file } = folder(
      'path,label,domain,fs_hz,signal_key,dataset,severity,cwru_file_no\n' +
        'a.mat,inner_race,load_0HP,12000,X105_DE_time,CWRU,0.007,105\n' +
        '"sub/b.mat",normal,load_1HP,48000,,,"",97\n',
    );
    const rows = await readManifest(file);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({
      index: 0,
      id: 'a.mat',
      path: path.join(dir, 'a.mat'),
      label: 'inner_race',
      domain: 'load_0HP',
      dataset: 'CWRU',
      fsHz: 12000,
      signalKey: 'X105_DE_time',
      severity: 0.007,
      metadata: { cwru_file_no: '105' },
    });
    expect(rows[1]).toMatchObject({ path: path.join(dir, 'sub', 'b.mat'), fsHz: 48000, signalKey: null, dataset: 'unknown', severity: null });
  });

  it('names the missing required columns and lists the ones found', async () => {
    const { file } = folder('path,label,fs_hz\na.mat,normal,12000\n');
    const err = await errorOf(readManifest(file));
    expect(err.message).toContain(file);
    expect(err.message).toMatch(/lacks required column domain/);
    expect(err.message).toContain('found: path, label, fs_hz');
    expect(err.key).toBe('domain');
  });

  it('refuses an empty manifest and one with a header only', async () => {
    const empty = folder('');
    expect((await errorOf(readManifest(empty.file))).message).toMatch(/is empty/);
    const headerOnly = folder('path,label,domain,fs_hz\n');
    expect((await errorOf(readManifest(headerOnly.file))).message).toMatch(/no rows/);
  });

  it('names the line and path of a file that does not exist', async () => {
    const { file } = folder('path,label,domain,fs_hz\na.mat,normal,d0,12000\nmissing.mat,normal,d0,12000\n');
    const err = await errorOf(readManifest(file));
    expect(err.message).toContain('line 3');
    expect(err.message).toContain('file not found: missing.mat');
    expect(err.key).toBe('path');
  });

  it('refuses a duplicate path + signal_key and names both lines', async () => {
    const { file } = folder('path,label,domain,fs_hz,signal_key\na.mat,normal,d0,12000,X1\n./a.mat,ball,d0,12000,X1\n');
    const err = await errorOf(readManifest(file));
    expect(err.message).toMatch(/line 3 repeats line 2/);
    // The same file with two signal keys is two recordings, not a duplicate.
    const ok = folder('path,label,domain,fs_hz,signal_key\na.mat,normal,d0,12000,X1\na.mat,normal,d0,12000,X2\n');
    const rows = await readManifest(ok.file);
    expect(rows.map((r) => r.id)).toEqual(['a.mat#X1', 'a.mat#X2']);
  });

  it.each(['abc', '0', '-5', '', '1e-320', '1e9'])('refuses fs_hz %j with the value and what is valid', async (bad) => {
    const { file } = folder(`path,label,domain,fs_hz\na.mat,normal,d0,${bad}\n`);
    const err = await errorOf(readManifest(file));
    expect(err.message).toContain(`'${bad}' is not a sample rate`);
    expect(err.message).toContain('a number of Hz from 1 to 10000000');
    expect(err.key).toBe('fs_hz');
  });

  it('refuses an empty label and too many fields', async () => {
    expect((await errorOf(readManifest(folder('path,label,domain,fs_hz\na.mat,,d0,12000\n').file))).message).toMatch(/'label' is empty/);
    expect((await errorOf(readManifest(folder('path,label,domain,fs_hz\na.mat,x,d0,12000,extra\n').file))).message).toMatch(/5 fields/);
  });
});

describe('findTable', () => {
  it('prefers LABELS.csv, else finds a single manifest-like CSV, else nothing', async () => {
    const a = folder('path,label,domain,fs_hz\na.mat,normal,d0,12000\n');
    expect(await findTable(a.dir, isPhmHeader)).toEqual({ kind: 'manifest', file: a.file });
    const b = folder('path,label,domain,fs_hz\na.mat,normal,d0,12000\n', 'my-list.csv');
    writeFileSync(path.join(b.dir, 'signal.csv'), 'x,y\n1,2\n');
    expect(await findTable(b.dir, isPhmHeader)).toEqual({ kind: 'manifest', file: b.file });
    const c = folder('x,y\n1,2\n', 'signal.csv');
    expect(await findTable(c.dir, isPhmHeader)).toBeNull();
    const d = folder('path,label,domain,fs_hz\n', 'one.csv');
    writeFileSync(path.join(d.dir, 'two.csv'), 'path,label,domain,fs_hz\n');
    await expect(findTable(d.dir, isPhmHeader)).rejects.toThrow(/several manifest-like CSVs/);
  });
});
