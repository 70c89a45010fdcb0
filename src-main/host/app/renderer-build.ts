/**
 * `flowbench serve` needs the built renderer (out/renderer). On a fresh clone it has not
 * been built yet, so build it once (electron-vite, ~10 s) instead of failing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../paths.js';

export async function ensureRendererBuilt(): Promise<string> {
  const dir = path.join(packageRoot, 'out', 'renderer');
  if (existsSync(path.join(dir, 'index.html'))) return dir;
  process.stderr.write('building the renderer once (electron-vite build)…\n');
  const bin = path.join(packageRoot, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js');
  const result = spawnSync(process.execPath, [bin, 'build'], { cwd: packageRoot, stdio: ['ignore', 'ignore', 'inherit'] });
  if (result.status !== 0 || !existsSync(path.join(dir, 'index.html'))) {
    throw new Error(`could not build the renderer (electron-vite build exited ${result.status}); run \`npm run build\` and look at its output`);
  }
  return dir;
}
