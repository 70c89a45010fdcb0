import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../../src-main/store/index.js';
import { tempDir } from './helpers.js';
import { connectionOf } from '../../../src-main/store/connection.js';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => { tmp = tempDir(); });
afterEach(() => tmp.cleanup());

describe('kill -9 of the writer', () => {
  it('loses no committed metric and leaves integrity_check ok', async () => {
    const file = join(tmp.dir, 'runs.sqlite');
    const storeUrl = pathToFileURL(resolve('src-main/store/index.ts')).href;
    const writer = join(tmp.dir, 'writer.ts');
    // Writes batches forever, printing the step count after each commit returns.
    writeFileSync(writer, `
      import { openStore } from ${JSON.stringify(storeUrl)};
      const s = openStore(${JSON.stringify(file)});
      s.runs.create({ id: 'r1', name: 'k', scale: 'quick', config: {}, configHash: 'h', dataSource: 'synthetic', seed: 1, workdir: '/w' });
      let step = 0;
      for (;;) {
        const batch = [];
        for (let i = 0; i < 50; i++, step++) batch.push({ runId: 'r1', step, epoch: 0, scope: 'step', name: 'loss', value: step % 7 ? 1 / (step + 1) : NaN });
        s.transaction(() => s.metrics.insertMany(batch));
        process.stdout.write(step + '\\n');
      }
    `);
    const child = spawn(process.execPath, ['--import', 'tsx', writer], { stdio: ['ignore', 'pipe', 'pipe'] });
    let committed = 0;
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    await new Promise<void>((done, fail) => {
      child.stdout.on('data', (d: Buffer) => {
        const lines = d.toString().trim().split('\n');
        committed = Math.max(committed, Number(lines[lines.length - 1]));
        if (committed >= 2000) { child.kill('SIGKILL'); done(); }
      });
      child.on('exit', (code, sig) => { if (sig !== 'SIGKILL') fail(new Error(`writer exited ${code}: ${stderr}`)); });
    });
    await new Promise((r) => child.on('close', r));

    const store = openStore(file);
    expect(connectionOf(store).pragma('integrity_check', { simple: true })).toBe('ok');
    const rows = store.metrics.forRun('r1', { names: ['loss'] });
    expect(rows.length).toBeGreaterThanOrEqual(committed);
    expect(rows.length % 50).toBe(0); // whole batches only: no half-written transaction
    expect(rows.map((r) => r.step)).toEqual(rows.map((_, i) => i));
    expect(Number.isNaN(rows[0].value)).toBe(true);
    store.close();
  });
});
