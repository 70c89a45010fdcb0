/**
 * Where Flowbench keeps its database and run folders, and the checks that keep every
 * write inside the places the user chose.
 */
import { homedir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository (or installed package) root: two levels above this file. */
export const packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

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

/** The engine process entry, started with `--import tsx`. */
export const engineEntry = path.join(packageRoot, 'src-main', 'engine', 'process.ts');

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
