/**
 * MAT structs in the shapes users have (files written by SciPy: scripts/golden/make_mat_struct_fixtures.py):
 * fields addressed as `var.field`, the rate from a sibling field (or the one a manifest's rate_key
 * names), and "no signal" errors that list every variable and struct field found.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataError } from '../../../../src-main/data/errors.js';
import { openDataSource } from '../../../../src-main/data/index.js';
import { readMatFile } from '../../../../src-main/data/readers/mat-reader.js';
import { readSignalFile64 } from '../../../../src-main/data/readers/signal-file.js';
import { runSpecSchema } from '../../../../src-main/config/schema.js';

const FIXTURES = path.resolve(__dirname, '../../../fixtures/data/mat-structs');
const fixture = (name: string): string => path.join(FIXTURES, name);
const values = JSON.parse(readFileSync(fixture('values.json'), 'utf8'));

async function errorOf(p: Promise<unknown>): Promise<DataError> {
  const e = await p.then(() => null, (err: unknown) => err);
  expect(e).toBeInstanceOf(DataError);
  return e as DataError;
}

describe('MAT structs (SciPy-written files)', () => {
  it("lists a struct's fields as var.field variables, decoded", async () => {
    const vars = await readMatFile(fixture('struct_signal.mat'));
    expect(vars.map((v) => v.name)).toEqual(['x', 'x.gs', 'x.sr', 'x.rpm']);
    expect(vars[0]!.fields).toEqual(['gs', 'sr', 'rpm']);
    expect(vars[1]!.dims).toEqual([values.struct_signal.length, 1]);
    expect(vars[2]!.data![0]).toBe(12000);
  });

  it('reads x.gs with the rate and speed from its sibling fields', async () => {
    const s = await readSignalFile64(fixture('struct_signal.mat'));
    expect(s.channelNames).toEqual(['x.gs']);
    expect(s.channels[0]!.length).toBe(values.struct_signal.length);
    expect(Array.from(s.channels[0]!.subarray(0, 4))).toEqual(values.struct_signal.first);
    expect(s.channels[0]!.reduce((a, b) => a + b, 0)).toBeCloseTo(values.struct_signal.sum, 9);
    expect(s.fsHz).toBe(values.struct_signal.sr);
    expect(s.rpm).toBe(values.struct_signal.rpm);
  });

  it('nested structs: rec.data.acc by name or suffix, the rate named by rateKey', async () => {
    const file = fixture('struct_nested.mat');
    const s = await readSignalFile64(file, { signalKey: 'data.acc', rateKey: 'rec.meta.fs' });
    expect(s.channelNames).toEqual(['rec.data.acc:0', 'rec.data.acc:1']);
    expect(s.channels[0]!.length).toBe(values.struct_nested.length);
    expect([0, 1, 2].map((i) => [s.channels[0]![i], s.channels[1]![i]])).toEqual(values.struct_nested.first);
    expect(s.fsHz).toBe(values.struct_nested.fs);
    // Not in the signal's own struct: without rateKey the file gives no rate.
    expect((await readSignalFile64(file, { signalKey: 'rec.data.acc' })).fsHz).toBeNull();
  });

  it('a rateKey that names nothing lists the scalars that exist', async () => {
    const e = await errorOf(readSignalFile64(fixture('struct_signal.mat'), { rateKey: 'x.fs' }));
    expect(e.message).toMatch(/struct_signal\.mat: rate key .* 'x\.fs' not found; available: x\.sr, x\.rpm/);
  });

  it('"no numeric signal" lists variables, struct fields, struct arrays and cells', async () => {
    const e = await errorOf(readSignalFile64(fixture('no_signal.mat')));
    expect(e.message).toContain(fixture('no_signal.mat'));
    expect(e.message).toMatch(/no numeric signal found/);
    expect(e.message).toMatch(/runs \(struct 1×2: gs, sr; a struct array, fields not read\)/);
    expect(e.message).toMatch(/c \(cell 1×2\)/);
    expect(e.message).toMatch(/label \(char 1×10\)/);
  });
});

describe('manifest rate_key', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'flowbench-ratekey-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const spec = (p: string) => runSpecSchema.parse({ data: { source: 'files', path: p } }).data;

  it('an empty fs_hz with rate_key takes the rate from the file', async () => {
    copyFileSync(fixture('struct_nested.mat'), path.join(dir, 'a.mat'));
    writeFileSync(path.join(dir, 'LABELS.csv'), 'path,label,domain,fs_hz,signal_key,rate_key\na.mat,normal,0,,rec.data.acc,rec.meta.fs\n');
    const source = await openDataSource(spec(dir), { cwd: dir, seed: 1 });
    expect(source.records[0]!.fsHz).toBeNull();
    expect(source.records[0]!.rateKey).toBe('rec.meta.fs');
    const sig = await source.readSignal(source.records[0]!);
    expect(sig.fsHz).toBe(25600);
    expect(sig.channels.length).toBe(2);
  });

  it('an empty fs_hz without rate_key names both fixes', async () => {
    writeFileSync(path.join(dir, 'LABELS.csv'), 'path,label,domain,fs_hz\na.mat,normal,0,\n');
    const e = await errorOf(openDataSource(spec(dir), { cwd: dir, seed: 1 }));
    expect(e.message).toMatch(/LABELS\.csv line 2, column 'fs_hz': '' is not a sample rate.*rate_key column/);
  });
});

describe('MAT v7.3 structs (HDF5 groups)', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'flowbench-v73-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a struct group x with datasets gs and sr reads as x.gs at the rate x.sr', async () => {
    const h5wasm = (await import('h5wasm/node')).default;
    await h5wasm.ready;
    const file = path.join(dir, 'v73.mat');
    // MATLAB's layout: the struct is a group (MATLAB_class struct), each field a dataset with its class;
    // a column vector n×1 is stored with the reversed shape [1, n].
    const f = new h5wasm.File(file, 'w');
    const x = f.create_group('x');
    x.create_attribute('MATLAB_class', 'struct');
    const gs = x.create_dataset({ name: 'gs', data: new Float64Array([0.5, -1, 2, 4.25]), shape: [1, 4] });
    gs.create_attribute('MATLAB_class', 'double');
    const sr = x.create_dataset({ name: 'sr', data: new Float64Array([25600]), shape: [1, 1] });
    sr.create_attribute('MATLAB_class', 'double');
    f.close();
    const s = await readSignalFile64(file);
    expect(s.channelNames).toEqual(['x.gs']);
    expect(Array.from(s.channels[0]!)).toEqual([0.5, -1, 2, 4.25]);
    expect(s.fsHz).toBe(25600);
  });
});

describe('rates read from files', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'flowbench-filerates-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('different rates from rate_key are warned with the fix (data.resample_hz auto sees only declared rates)', async () => {
    const wave = (n: number): string => Array.from({ length: n }, (_, i) => Math.sin(i / 3).toFixed(5)).join('\n');
    writeFileSync(path.join(dir, 'a.csv'), `# fs: 12000\nx\n${wave(4096)}\n`);
    writeFileSync(path.join(dir, 'b.csv'), `# fs: 48000\nx\n${wave(4096)}\n`);
    writeFileSync(path.join(dir, 'LABELS.csv'), 'path,label,domain,fs_hz,rate_key\na.csv,normal,0,,fs\nb.csv,fault,0,,fs\n');
    const spec = runSpecSchema.parse({ data: { source: 'files', path: dir, window_length: 256 } }).data;
    const { prepareWindows } = await import('../../../../src-main/data/index.js');
    const prepared = await prepareWindows(await openDataSource(spec, { cwd: dir, seed: 1 }), spec, 1);
    expect(prepared.files.map((f) => f.fsHz)).toEqual([12000, 48000]);
    expect(prepared.warnings).toContain(
      'recordings have different sample rates read from their files (12000, 48000 Hz) and are windowed at their own rates ' +
        '(data.resample_hz auto counts only rates declared in the manifest or data.fs_overrides); set data.resample_hz to one rate, e.g. 12000',
    );
  });
});
