/** Temp config files on disk for the config tests. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadRunSpec, type LoadRunSpecOptions } from '../../../src-main/config/index.js';

export function tempDir(): { dir: string; write: (name: string, text: string) => string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'flowbench-config-'));
  return {
    dir,
    write: (name, text) => {
      writeFileSync(join(dir, name), text);
      return name;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Loads and returns the ConfigError it must throw (fails the test if it loads). */
export function loadError(opts: LoadRunSpecOptions): ConfigError {
  try {
    loadRunSpec(opts);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw new Error(`expected a ConfigError, got ${String(err)}`);
  }
  throw new Error('expected a ConfigError, but the config loaded');
}
