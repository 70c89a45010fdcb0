/**
 * Where Flowbench keeps its database and run folders, and the checks that keep every
 * write inside the places the user chose.
 */
import { homedir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(import.meta.url);

/** The repository (or installed package) root: two levels above this file (or above its bundle, out/cli/). */
export const packageRoot = path.resolve(path.dirname(here), '..', '..');

/** Running from the TypeScript sources (tests, tsx) rather than from a bundle. */
const fromSources = here.endsWith('.ts');

/** FLOWBENCH_HOME, or ~/.flowbench. */
export function defaultHome(env: NodeJS.ProcessEnv = process.env): string {
  const home = env.FLOWBENCH_HOME;
  return path.resolve(home && home.trim() !== '' ? home : path.join(homedir(), '.flowbench'));
}

export function defaultDbPath(home: string = defaultHome()): string {
  return path.join(home, 'flowbench.sqlite');
}

export function defaultRunsDir(home: string = defaultHome()): string {
  return path.join(home, 'runs');
}

/**
 * The engine process entry and the Node flags it needs: from the sources, process.ts under
 * tsx; from a bundle (out/cli/flowbench.js, out/main/index.js), the engine.js built beside
 * it, as plain Node.
 */
export const engineEntry = fromSources ? path.join(packageRoot, 'src-main', 'engine', 'process.ts') : path.join(path.dirname(here), 'engine.js');
export const engineExecArgv: string[] = fromSources ? ['--import', 'tsx'] : [];

/**
 * Resolves `child` against `root` and refuses anything that escapes it (`..`, absolute
 * paths elsewhere, run ids with separators), so a hostile or mistyped id can't make the
 * host write outside the folder the user chose.
 */
export function insideDir(root: string, child: string, what: string): string {
  const resolvedRoot = path.resolve(root);
  const resolved = path.resolve(resolvedRoot, child);
  const rel = path.relative(resolvedRoot, resolved);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) {
    throw new Error(`${what} "${child}" resolves to ${resolved}, outside ${resolvedRoot}; refusing to write there`);
  }
  return resolved;
}
