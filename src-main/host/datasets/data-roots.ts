/**
 * The folders a UI host (serve, Electron) may read data from. A request can name any path
 * (the wizard's data folder, `--set data.path=…`, a manifest's `../` or symlinked rows), so
 * every file it would open is checked here after symlinks are resolved.
 */
import { realpathSync } from 'node:fs';
import path from 'node:path';

/** Symlinks resolved where the path exists (so a link cannot lead out), else just resolved. */
function real(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}

export function isUnder(root: string, file: string): boolean {
  const rel = path.relative(root, file);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

export class DataRootError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataRootError';
  }
}

/**
 * Throws naming the file and the allowed folders when `file` (after symlinks) is under none
 * of `roots`. `what` says where the path came from (e.g. "data.path", "manifest row 3").
 */
export function assertUnderDataRoots(file: string, roots: readonly string[], what: string): void {
  const target = real(file);
  if (roots.some((r) => isUnder(real(r), target))) return;
  throw new DataRootError(
    `${what}: ${file}${target !== path.resolve(file) ? ` (→ ${target})` : ''} is outside the data folders this host may read ` +
      `(${roots.map((r) => real(r)).join(', ')}); start \`flowbench serve\` with --data-root <folder> to allow another folder`,
  );
}

/** data.path and every recording its manifest names must lie under `roots` (synthetic data: nothing to check). */
export function assertRecordsUnderDataRoots(
  dataPath: string | null,
  records: readonly { index: number; path: string }[],
  roots: readonly string[],
): void {
  if (dataPath !== null) assertUnderDataRoots(dataPath, roots, 'data.path');
  for (const r of records) if (r.path) assertUnderDataRoots(r.path, roots, `recording ${r.index + 1}${dataPath === null ? '' : ` of ${dataPath}`}`);
}
