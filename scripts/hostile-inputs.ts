/**
 * Writes the hostile inputs docs/SECURITY.md measures the resource limits against, into DIR:
 *   bomb.mat      MAT v7: 40 compressed elements of 1 M zeros each (~8 KB each, 320 MB inflated)
 *   huge.h5       HDF5: a chunked dataset that claims 2^33 float32 values (a few kB)
 *   wide.csv      one line of 3,000,000 columns
 *   long.csv      a header and one 8 MB line of a single column
 * Usage: node --import tsx scripts/hostile-inputs.ts DIR
 * then e.g. /usr/bin/time -v node bin/flowbench.js data inspect DIR/bomb.mat
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import h5wasm from 'h5wasm/node';
import { writeMatV5 } from '../tests/unit/data/readers/mat-v5-writer.js';

const dir = process.argv[2];
if (!dir) {
  process.stderr.write('usage: node --import tsx scripts/hostile-inputs.ts DIR\n');
  process.exit(2);
}
mkdirSync(dir, { recursive: true });
writeFileSync(path.join(dir, 'bomb.mat'), writeMatV5(Array.from({ length: 40 }, (_, i) => ({ name: `z${i}`, values: new Array(1_000_000).fill(0) })), { compress: true }));
await h5wasm.ready;
const huge = new h5wasm.File(path.join(dir, 'huge.h5'), 'w');
huge.create_dataset({ name: 'x', data: new Float32Array(1024), shape: [1024], maxshape: [null], chunks: [1024] }).resize([2 ** 33]);
huge.close();
writeFileSync(path.join(dir, 'wide.csv'), '0,'.repeat(3_000_000) + '0\n');
writeFileSync(path.join(dir, 'long.csv'), 'x\n' + '1'.repeat(8_000_000) + '\n');
process.stdout.write(`wrote bomb.mat, huge.h5, wide.csv, long.csv to ${dir}\n`);
