/**
 * Reads a config file, turning every way that can fail into a ConfigError that names the
 * file and, when it is missing, the nearest file that does exist beside it.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, extname } from 'node:path';
import { distance } from 'fastest-levenshtein';
import { ConfigError } from './errors.js';

/** @param absPath resolved path; @param shown the path as the user gave it. */
export function readConfigFile(absPath: string, shown: string): string {
  const fail = (message: string): never => {
    throw new ConfigError([{ path: '', source: shown, message }]);
  };
  let isFile = false;
  try {
    isFile = statSync(absPath).isFile();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') fail(`config file not found (looked at ${absPath})${nearby(absPath)}`);
    fail(`cannot read the config file (${code ?? String(err)})`);
  }
  if (!isFile) fail('is not a file; expected a YAML config file such as configs/flow_pretrain_basic.yaml');
  try {
    return readFileSync(absPath, 'utf8');
  } catch (err) {
    return fail(`cannot read the config file (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
}

/** "; did you mean …?" or "; YAML files there: …", from the file's own folder. */
function nearby(absPath: string): string {
  let names: string[];
  try {
    names = readdirSync(dirname(absPath)).filter((n) => ['.yaml', '.yml'].includes(extname(n).toLowerCase()));
  } catch {
    return `; the folder ${dirname(absPath)} does not exist either`;
  }
  if (!names.length) return '';
  const want = basename(absPath);
  const best = names.reduce((a, b) => (distance(want, a) <= distance(want, b) ? a : b));
  if (distance(want, best) <= Math.max(3, Math.floor(want.length / 3))) return `; did you mean ${best}?`;
  return `; YAML files there: ${names.sort().join(', ')}`;
}
