/**
 * Loads the native engine addon (native/, built at install by scripts/build-native.mjs) or
 * says why it is not available: skipped at install (the build's own reason), not built,
 * failed to load (e.g. the BLAS library is missing at run time), or disabled by
 * FLOWBENCH_NATIVE=0. Loaded once per process; loading also hands the run generator's normal
 * draws to the addon (data/rng.ts setNormalPairFiller).
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setNormalPairFiller } from '../../data/rng.js';
import type { NativeAddon } from './addon-types.js';

export type NativeLoad = { addon: NativeAddon; path: string; reason: null } | { addon: null; path: null; reason: string };

const ADDON = path.join('native', 'build', 'Release', 'flowbench_native.node');
const STATUS = path.join('native', 'build', 'status.json');

let cached: NativeLoad | null = null;

/**
 * The folders that may hold native/: the repository root seen from this source file
 * (src-main/engine/native) or from the bundle (out/main), and in a packaged app the
 * asar's unpacked twin (a .node file cannot load from inside an asar).
 */
function roots(): string[] {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const out: string[] = [];
  for (let dir = here, i = 0; i < 5; i++, dir = path.dirname(dir)) {
    out.push(dir.replace(/app\.asar(?=$|[\\/])/, 'app.asar.unpacked'), dir);
  }
  return out;
}

function reasonFromStatus(root: string | undefined): string {
  if (root && existsSync(path.join(root, STATUS))) {
    try {
      const s = JSON.parse(readFileSync(path.join(root, STATUS), 'utf8')) as { built?: boolean; reason?: string };
      if (s.built === false) return `skipped at install: ${s.reason ?? 'no reason recorded'}`;
    } catch {
      // an unreadable status file is the same as none
    }
  }
  return 'not built (needs a C++ compiler and libopenblas-dev; then npm run build:native)';
}

/** The addon, or the reason it did not load. FLOWBENCH_NATIVE_ADDON names a file to load instead. */
export function loadNativeAddon(): NativeLoad {
  if (cached) return cached;
  cached = load();
  return cached;
}

function load(): NativeLoad {
  if (process.env.FLOWBENCH_NATIVE === '0') return { addon: null, path: null, reason: 'disabled by FLOWBENCH_NATIVE=0' };
  const candidates = process.env.FLOWBENCH_NATIVE_ADDON ? [process.env.FLOWBENCH_NATIVE_ADDON] : roots().map((r) => path.join(r, ADDON));
  const file = candidates.find((f) => existsSync(f));
  if (!file) {
    const withStatus = roots().find((r) => existsSync(path.join(r, STATUS)));
    return { addon: null, path: null, reason: reasonFromStatus(withStatus) };
  }
  try {
    const addon = createRequire(import.meta.url)(file) as NativeAddon;
    // Normal draws are the same float for float with or without it (rng.ts); only faster.
    if (typeof addon.fillNormals === 'function') setNormalPairFiller(addon.fillNormals);
    return { addon, path: file, reason: null };
  } catch (err) {
    return { addon: null, path: null, reason: `failed to load ${file}: ${String((err as Error)?.message ?? err).split('\n')[0]}` };
  }
}
