/**
 * The layer rule and no-circular, as `npm run lint:layers` runs them (dependency-cruiser with
 * .dependency-cruiser.cjs): the repository passes, and small trees with wrong arrows, a
 * cycle, a reach past the engine's public surface or SQL outside store/ fail naming the
 * file, the rule and the target.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const repo = path.resolve(import.meta.dirname, '../../..');
const cli = path.join(repo, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');
const config = path.join(repo, '.dependency-cruiser.cjs');
const tmp = mkdtempSync(path.join(tmpdir(), 'flowbench-layers-'));

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function check(root: string): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, [cli, '--config', config, '--output-type', 'err-long', 'src-main', 'src-preload', 'src-renderer'], { cwd: root, encoding: 'utf8' });
  return { status: r.status, out: r.stdout + r.stderr };
}

function write(root: string, rel: string, text: string): void {
  mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  writeFileSync(path.join(root, rel), text);
}

/** A fixture tree: the tsconfig the rules resolve with, and the three top folders. */
function tree(name: string, files: Record<string, string>): string {
  const root = path.join(tmp, name);
  write(root, 'tsconfig.node.json', JSON.stringify({ compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', allowJs: true } }));
  for (const top of ['src-main', 'src-preload', 'src-renderer']) mkdirSync(path.join(root, top), { recursive: true });
  for (const [rel, text] of Object.entries(files)) write(root, rel, text);
  return root;
}

describe('lint:layers (dependency-cruiser)', () => {
  it('passes on the repository', () => {
    const r = check(repo);
    expect(r.out).toContain('no dependency violations found');
    expect(r.status).toBe(0);
  }, 120_000);

  it('passes a tree whose arrows all point the allowed way', () => {
    const root = tree('good', {
      'src-main/data/index.ts': 'export const prepareWindows = 1;\n',
      'src-main/config/schema.ts': 'export type RunSpec = number;\n',
      'src-main/store/index.ts': 'export const openStore = 1;\n',
      'src-main/engine/protocol/index.ts': 'export type EngineEvent = number;\n',
      'src-main/engine/loop.ts': "import { prepareWindows } from '../data/index.js';\nimport type { RunSpec } from '../config/schema.js';\n// import { openStore } from '../store/index.js'; (a comment, not an import)\nexport { prepareWindows };\nexport type { RunSpec };\n",
      'src-main/host/some-job.ts': "import { openStore } from '../store/index.js';\nimport type { EngineEvent } from '../engine/protocol/index.js';\nexport { openStore };\nexport type { EngineEvent };\n",
      'src-preload/contract.ts': "export type Run = number;\n",
      'src-renderer/src/stores/runs.ts': "import type { Run } from '../../../src-preload/contract.js';\nimport { ref } from 'vue';\nexport type { Run };\nexport { ref };\n",
      'src-main/index.ts': "import { app } from 'electron';\nimport { openStore } from './store/index.js';\nexport { app, openStore };\n",
    });
    const r = check(root);
    expect(r.out).toContain('no dependency violations found');
    expect(r.status).toBe(0);
  }, 120_000);

  it('fails on wrong imports and on a cycle, naming the rule, the file and the target', () => {
    const root = tree('bad', {
      'src-main/store/index.ts': 'export const openStore = 1;\n',
      'src-main/host/paths.ts': 'export const defaultDbPath = 1;\n',
      'src-main/engine/train/loop.ts': "import { z } from 'zod';\nimport {\n  openStore,\n} from '../../store/index.js';\nexport { z, openStore };\n",
      'src-main/data/reader.ts': "export async function f() {\n  return import('better-sqlite3');\n}\n",
      'src-renderer/src/stores/live.ts': "import { readFileSync } from 'node:fs';\nimport { openStore } from '../../../src-main/store/index.js';\nexport { readFileSync, openStore };\n",
      'src-preload/index.ts': "import { defaultDbPath } from '../src-main/host/paths.js';\nexport { defaultDbPath };\n",
      'src-main/engine/a.ts': "import { b } from './b.js';\nexport const a = () => b;\n",
      'src-main/engine/b.ts': "import { a } from './a.js';\nexport const b = () => a;\n",
      'src-main/host/some-job.ts': "import { a } from '../engine/a.js';\nexport { a };\n",
      'src-main/store/connection.ts': 'export const connectionOf = 1;\n',
      'src-main/host/some-probe.ts': "import Database from 'better-sqlite3';\nimport { connectionOf } from '../store/connection.js';\nexport { Database, connectionOf };\n",
    });
    const r = check(root);
    expect(r.status).not.toBe(0);
    expect(r.out).toContain('engine-layer: src-main/engine/train/loop.ts → src-main/store/index.ts');
    expect(r.out).toMatch(/data-layer: src-main\/data\/reader\.ts → better-sqlite3/);
    expect(r.out).toContain('renderer-layer-node: src-renderer/src/stores/live.ts → fs');
    expect(r.out).toContain('renderer-layer: src-renderer/src/stores/live.ts → src-main/store/index.ts');
    expect(r.out).toContain('preload-layer: src-preload/index.ts → src-main/host/paths.ts');
    expect(r.out).toMatch(/no-circular: src-main\/engine\/(a|b)\.ts → /);
    expect(r.out).toContain('engine-surface: src-main/host/some-job.ts → src-main/engine/a.ts');
    expect(r.out).toMatch(/sql-in-store: src-main\/host\/some-probe\.ts → better-sqlite3/);
    expect(r.out).toContain('sql-in-store: src-main/host/some-probe.ts → src-main/store/connection.ts');
    expect(r.out).toContain('the engine runs in its own process'); // the rule's sentence
  }, 120_000);
});
