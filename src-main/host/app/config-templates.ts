/**
 * The shipped config files (configs/*.yaml) as the wizard's starting points: the wizard's
 * defaults are the values these files resolve to, so the app and `flowbench train --config`
 * start from one source. Files that are not a run config (the pipeline file) are left out.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { ConfigTemplate } from '../../../src-preload/contract.js';
import { ConfigError, loadRunSpec } from '../../config/index.js';
import { packageRoot } from '../paths.js';

export const DEFAULT_CONFIGS_DIR = path.join(packageRoot, 'configs');

/** The first comment line of a YAML file (its title), without the leading '#'. */
function leadingComment(text: string): string {
  const line = text.split('\n').find((l) => l.trim() !== '');
  return line?.trim().startsWith('#') ? line.trim().replace(/^#+\s*/, '') : '';
}

export function listConfigTemplates(dir: string, cwd: string): ConfigTemplate[] {
  if (!existsSync(dir)) return [];
  const out: ConfigTemplate[] = [];
  for (const file of readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort()) {
    const full = path.join(dir, file);
    try {
      const { spec } = loadRunSpec({ configPath: full, scale: 'quick', cwd });
      out.push({ file, name: spec.name ?? file.replace(/\.ya?ml$/, ''), description: leadingComment(readFileSync(full, 'utf8')), spec });
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      // Not a run config (e.g. a pipeline file): the wizard cannot start from it.
    }
  }
  return out;
}

/** A config name from a request → its path in `dir`; refuses names that are not listed there. */
export function configTemplatePath(dir: string, file: string): string {
  const names = existsSync(dir) ? readdirSync(dir) : [];
  if (!names.includes(file) || path.basename(file) !== file) {
    const valid = names.filter((f) => /\.ya?ml$/.test(f));
    throw new Error(`config "${file}" is not one of the shipped configs in ${dir}; valid: ${valid.join(', ') || 'none'}`);
  }
  return path.join(dir, file);
}
