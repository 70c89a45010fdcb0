import { writeFileSync } from 'node:fs';
import path from 'node:path';
import h5wasm from 'h5wasm/node';
import { describe, expect, it } from 'vitest';
import { dataSchema } from '../../../src-main/config/schema.js';
import { openDataSource, prepareWindows } from '../../../src-main/data/index.js';
import { readPhmVibench } from '../../../src-main/data/phm-vibench.js';
import { tempDir } from './data-paths.js';

const HEADER =
  'Id,Dataset_id,Name,Description,TYPE,File,Label,Label_Description,Fault_level,RUL_label,Domain_id,Domain_description,Sample_rate,Sample_lenth,Channel\n';

/** (L, C[, 1]) float32 dataset whose channel c at time t holds 1000·c + t (so de-interleaving is checkable). */
function signal(l: number, c: number): Float32Array {
  const x = new Float32Array(l * c);
  for (let t = 0; t < l; t++) for (let ch = 0; ch < c; ch++) x[t * c + ch] = 1000 * ch + Math.sin(t * 0.3) * 5 + t * 1e-3;
  return x;
}

async function writeH5(file: string, sets: { name: string; shape: number[] }[]): Promise<void> {
  await h5wasm.ready;
  const f = new h5wasm.File(file, 'w');
  for (const s of sets) f.create_dataset({ name: s.name, data: signal(s.shape[0], s.shape[1]), shape: s.shape, dtype: '<f' });
  f.close();
}

async function phmFolder(): Promise<string> {
  const dir = tempDir('phm');
  writeFileSync(
    path.join(dir, 'metadata_6_1.csv'),
    HEADER +
      '1,1,CWRU,d,T,IR007_0.mat,1,inner,1,,0,0HP,12000,600,2\n' +
      '2,1,CWRU,d,T,Normal_0.mat,0,normal,0,,1,1HP,12000,600,2\n' +
      '7,2,XJTU,d,T,Bearing1_1/1.csv,,,,,3,35Hz12kN,25600,600,2\n',
  );
  await writeH5(path.join(dir, 'CWRU.h5'), [
    { name: '1', shape: [600, 2] },
    { name: '2', shape: [600, 2, 1] },
  ]);
  await writeH5(path.join(dir, 'cache.h5'), [{ name: '7', shape: [600, 2, 1] }]);
  return dir;
}

describe('PHM-Vibench metadata + H5', () => {
  it('turns table rows into records, keeping unlabelled rows', async () => {
    const dir = await phmFolder();
    const records = await readPhmVibench(path.join(dir, 'metadata_6_1.csv'));
    expect(records.map((r) => [r.id, r.label, r.domain, r.dataset, r.fsHz, r.signalKey, path.basename(r.path)])).toEqual([
      ['CWRU/1', '1', 'domain_0', 'CWRU', 12000, '1', 'CWRU.h5'],
      ['CWRU/2', '0', 'domain_1', 'CWRU', 12000, '2', 'CWRU.h5'],
      ['XJTU/7', 'unknown', 'domain_3', 'XJTU', 25600, '7', 'cache.h5'],
    ]);
    expect(records[0].metadata).toMatchObject({ File: 'IR007_0.mat', Label_Description: 'inner', Dataset_id: '1' });
    expect(records[0].severity).toBe(1);
  });

  it('is found in a folder by openDataSource; (L, C) and (L, C, 1) read as C channels', async () => {
    const dir = await phmFolder();
    // resample_hz null: each recording at its own rate (auto would bring XJTU's 25.6 kHz to 12 kHz).
    const spec = dataSchema.parse({ source: 'files', path: dir, window_length: 100, stride: 100, split: { by: 'segment' }, resample_hz: null });
    const src = await openDataSource(spec, { cwd: '.', seed: 0 });
    expect(src.kind).toBe('phm-vibench');
    for (const r of src.records) {
      const s = await src.readSignal(r);
      expect(s.channels).toHaveLength(2);
      expect(s.channels[1][10] - s.channels[0][10]).toBeCloseTo(1000, 3);
    }
    const p = await prepareWindows(src, spec, 0);
    expect(p.datasetNames).toEqual(['CWRU', 'XJTU']);
    expect(p.train.channels).toBe(2);
    // 600 samples: train stretch [0, 420) holds 4 windows; val [420, 510) and test [510, 600) none.
    expect(p.train.n).toBe(3 * 4);
    // Each warning says why and what would give the split windows.
    expect(p.warnings).toEqual(expect.arrayContaining([
      'the validation split has no windows (no validation loss, no early stopping): its stretch of each recording (data.split.val_fraction 0.15) ' +
        'is at most 90 samples, shorter than one 100-sample window; use data.window_length ≤ 90, raise data.split.val_fraction to 0.17, ' +
        'or use data.split.by: file with more recordings',
      'the test split has no windows (`flowbench evaluate` has nothing held out): its stretch of each recording (data.split.test_fraction 0.15) ' +
        'is at most 90 samples, shorter than one 100-sample window; use data.window_length ≤ 90, raise data.split.test_fraction to 0.17, ' +
        'or use data.split.by: file with more recordings',
    ]));
  });

  it('names the missing H5 or the missing dataset key', async () => {
    const dir = await phmFolder();
    writeFileSync(path.join(dir, 'metadata_6_1.csv'), HEADER + '9,1,CWRU,d,T,x.mat,1,,,,0,,12000,,\n');
    await expect(readPhmVibench(path.join(dir, 'metadata_6_1.csv'))).rejects.toThrow(/CWRU\.h5 holds no dataset '9' for Id 9 \(it holds 1, 2\)/);
    writeFileSync(path.join(dir, 'm.csv'), HEADER + '1,5,PU,d,T,x.mat,1,,,,0,,64000,,\n');
    const other = tempDir('phm-none');
    writeFileSync(path.join(other, 'm.csv'), HEADER + '1,5,PU,d,T,x.mat,1,,,,0,,64000,,\n');
    await expect(readPhmVibench(path.join(other, 'm.csv'))).rejects.toThrow(/no H5 for dataset 'PU': looked for PU\.h5 and cache\.h5/);
    writeFileSync(path.join(other, 'bad.csv'), 'Id,Name\n1,x\n');
    await expect(readPhmVibench(path.join(other, 'bad.csv'))).rejects.toThrow(/lacks column\(s\) Dataset_id, File, Label, Domain_id/);
  });
});
