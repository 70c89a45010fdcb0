/**
 * A checkpoint write that fails (ENOSPC, EFBIG…) names the file (issue 14). Real files: a
 * child process whose file-size limit (ulimit -f) makes the write fail with EFBIG, the same
 * errno path as a full disk; Node's own message ("EFBIG: file too large, write") has no path.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../support/cli.js';

const dir = mkdtempSync(path.join(tmpdir(), 'flowbench-ckwrite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('checkpoint write errors', () => {
  it('name the checkpoint path and leave no temp file', () => {
    const target = path.join(dir, 'checkpoints', 'step-4.fbckpt');
    const script = `import { writeFileAtomic } from ${JSON.stringify(path.join(repoRoot, 'src-main/engine/checkpoint/atomic-write.ts'))};
writeFileAtomic(${JSON.stringify(target)}, Buffer.alloc(1 << 20)).then(() => console.log('written'), (e) => console.log('ERROR ' + e.message));`;
    const r = spawnSync('bash', ['-c', `ulimit -f 64; exec node --import tsx --input-type=module -e "$0"`, script], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });
    expect(r.stdout).toContain(`ERROR writing ${target}: `);
    expect(r.stdout).toMatch(/EFBIG/);
    expect(readdirSync(path.dirname(target))).toEqual([]);
  });
});
