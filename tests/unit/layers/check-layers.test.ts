import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const repo = path.resolve(import.meta.dirname, '../../..');
const script = path.join(repo, 'scripts/check-layers.mjs');
const tmp = mkdtempSync(path.join(tmpdir(), 'flowbench-layers-'));

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function check(root?: string): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, root ? [script, root] : [script], { cwd: repo, encoding: 'utf8' });
  return { status: r.status, out: r.stdout + r.stderr };
}

function write(root: string, rel: string, text: string): void {
  mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  writeFileSync(path.join(root, rel), text);
}

describe('check-layers', () => {
  it('passes on the repository', () => {
    const r = check();
    expect(r.out).toContain('check-layers: ok');
    expect(r.status).toBe(0);
  });

  it('passes a tree whose arrows all point the allowed way', () => {
    const root = path.join(tmp, 'good');
    write(root, 'src-main/engine/loop.ts', "import { prepareWindows } from '../data/index.js';\nimport type { RunSpec } from '../config/schema.js';\n// import { openStore } from '../store/index.js'; (a comment, not an import)\n");
    write(root, 'src-main/host/train-job.ts', "import { openStore } from '../store/index.js';\nimport type { EngineEvent } from '../engine/protocol.js';\n");
    write(root, 'src-renderer/src/stores/runs.ts', "import type { Run } from '../../../src-preload/contract.js';\nimport { ref } from 'vue';\n");
    write(root, 'src-main/index.ts', "import { app } from 'electron';\nimport { createApiHandlers } from './host/api-handlers.js';\n");
    const r = check(root);
    expect(r.out).toContain('check-layers: ok');
    expect(r.status).toBe(0);
  });

  it('fails on wrong imports, naming file:line and the rule', () => {
    const root = path.join(tmp, 'bad');
    write(root, 'src-main/engine/train/loop.ts', "import { z } from 'zod';\nimport {\n  openStore,\n} from '../../store/index.js';\n");
    write(root, 'src-main/data/reader.ts', "export async function f() {\n  return import('better-sqlite3');\n}\n");
    write(root, 'src-renderer/src/App.vue', "<script setup lang=\"ts\">\nimport { readFileSync } from 'node:fs';\nimport { openStore } from '../../src-main/store/index.js';\n</script>\n");
    write(root, 'src-preload/index.ts', "import { defaultDbPath } from '../src-main/host/paths.js';\n");
    const r = check(root);
    expect(r.status).toBe(1);
    expect(r.out).toMatch(/src-main\/engine\/train\/loop\.ts:4: engine must not import store \('\.\.\/\.\.\/store\/index\.js'\) — the engine runs in its own process/);
    expect(r.out).toContain('src-main/data/reader.ts:2: data must not import sqlite');
    expect(r.out).toContain('src-renderer/src/App.vue:2: renderer must not import node');
    expect(r.out).toContain('src-renderer/src/App.vue:3: renderer must not import store');
    expect(r.out).toContain('src-preload/index.ts:1: preload must not import host');
    expect(r.out).toContain('5 wrong imports');
  });
});
