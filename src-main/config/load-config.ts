/**
 * YAML file + command line → a validated RunSpec.
 *
 * Precedence, lowest first: schema defaults < scale preset < the config file < --data /
 * --seed < --set. The preset only fills keys nobody gave explicitly. Every problem is
 * collected and thrown at once as a ConfigError naming the file (or flag), line, key path,
 * the value received and what would be valid; nothing else is thrown.
 */
import { limits } from '../data/limits.js';
import { runSpecIssues, runSpecWarnings } from './run-checks.js';
import { isAbsolute, resolve } from 'node:path';
import { applyAliases, type Layer } from './aliases.js';
import { mapDataSourcePaths, parseDataArg, type DataSourceEntry } from './data-sources.js';
import { SCALES } from './enums.js';
import { ConfigError, type ConfigIssue, type ConfigWarning } from './errors.js';
import { isSetOverride, overrideToObject, parseSetArg } from './overrides.js';
import { formatPath, getPath, isPlainObject, mergeInto, type PathSegment, type PlainObject } from './paths.js';
import { readConfigFile } from './read-config-file.js';
import { resolveScale } from './resolve-scale.js';
import { scalePreset } from './scale-presets.js';
import { runSpecSchema, type RunSpec, type Scale } from './schema.js';
import { describeExpected, isMappingAt, schemaAt } from './schema-describe.js';
import { suggestKey } from './suggest.js';
import { parseYamlSource } from './yaml-source.js';

export interface LoadRunSpecOptions {
  /** YAML file, relative to cwd; null/undefined = no file (schema defaults, synthetic data). */
  configPath?: string | null;
  /** --scale; beats the file's `scale` / `task.validation_scale`. */
  scale?: Scale | null;
  /** --data PATH (repeatable: several data sources): data.source = files, data.path = PATH(s) (resolved against cwd). */
  data?: string | string[] | null;
  /** --set key.path=value, applied in order, last wins. */
  sets?: string[];
  /** --seed: environment.seed. */
  seed?: number | null;
  cwd: string;
}

export interface LoadedRunSpec {
  spec: RunSpec;
  warnings: ConfigWarning[];
  sources: { configPath: string | null; text: string | null };
}

export function loadRunSpec(opts: LoadRunSpecOptions): LoadedRunSpec {
  const warnings: ConfigWarning[] = [];
  try {
    return load(opts, warnings);
  } catch (err) {
    // Only ConfigError leaves this module; anything else is a bug, but still reported as config trouble.
    const error =
      err instanceof ConfigError
        ? err
        : new ConfigError([{ path: '', source: opts.configPath ?? undefined, message: `could not load: ${String(err)}` }]);
    error.warnings = warnings;
    throw error;
  }
}

function load(opts: LoadRunSpecOptions, warnings: ConfigWarning[]): LoadedRunSpec {
  const issues: ConfigIssue[] = [];
  const layers: Layer[] = [];
  const newLayer = (source: string, value: PlainObject, lines = new Map<string, number>()): Layer => ({
    source,
    value,
    lines,
    aliasOf: new Map(),
  });

  // 1. The config file.
  let configPath: string | null = null;
  let text: string | null = null;
  if (opts.configPath) {
    const shown = opts.configPath;
    configPath = resolve(opts.cwd, opts.configPath);
    text = readConfigFile(configPath, shown);
    const parsed = parseYamlSource(text, shown);
    if (parsed.errors.length) throw new ConfigError(parsed.errors);
    warnings.push(...parsed.warnings);
    const value = parsed.value ?? {}; // an empty file (or only comments) means all defaults
    if (!isPlainObject(value)) {
      throw new ConfigError([
        {
          path: '',
          source: shown,
          line: 1,
          message:
            `the document must be a mapping of sections (name, scale, environment, data, model, task, trainer); ` +
            `got ${describeValue(value)}`,
        },
      ]);
    }
    layers.push(newLayer(shown, value, parsed.lines));
  }

  // 2. --data and --seed.
  if (opts.data !== undefined && opts.data !== null) {
    const given = Array.isArray(opts.data) ? opts.data : [opts.data];
    if (given.length === 0 || given.some((p) => typeof p !== 'string' || p.trim() === '')) {
      issues.push({ path: 'data.path', source: '--data', message: 'expected a path to a folder, manifest CSV or signal file' });
    } else {
      // PATH::SIGNAL_KEY gives one source its own signal key (config/data-sources.ts).
      const parsed = given.map(parseDataArg);
      const bad = parsed.filter((e): e is { error: string } => typeof e === 'object' && 'error' in e);
      for (const b of bad) issues.push({ path: 'data.path', source: '--data', message: b.error });
      if (bad.length === 0) {
        const sources = mapDataSourcePaths(parsed as DataSourceEntry[], (p) => resolve(opts.cwd, p)) as DataSourceEntry[];
        layers.push(newLayer('--data', { data: { source: 'files', path: sources.length === 1 ? sources[0] : sources } }));
      }
    }
  }
  if (opts.seed !== undefined && opts.seed !== null) {
    layers.push(newLayer('--seed', { environment: { seed: opts.seed } }));
  }

  // 3. --set, in order.
  for (const arg of opts.sets ?? []) {
    const parsed = parseSetArg(String(arg));
    if (isSetOverride(parsed)) layers.push(newLayer(parsed.source, overrideToObject(parsed)));
    else issues.push(parsed);
  }
  if (issues.length) throw new ConfigError(issues);

  // 4. Reference keys → ours, then merge the explicit layers, remembering who gave what.
  for (const layer of layers) warnings.push(...applyAliases(layer));
  const origin = new Map<string, Layer>();
  let explicit: PlainObject = {};
  for (const layer of layers) {
    explicit = mergeInto(explicit, emptyNullMappings(layer.value), (p) => origin.set(formatPath(p), layer)) as PlainObject;
  }

  // 5. Scale, then its preset under the explicit keys.
  const scale = resolveScale(opts.scale, explicit, origin, warnings, issues);
  if (issues.length) throw new ConfigError(issues);
  const presetLayer = newLayer(`scale preset ${scale}`, scalePreset(scale, getPath(explicit, ['data', 'source']) === 'files' ? 'files' : 'synthetic'));
  const merged = mergeInto(presetLayer.value, explicit, undefined) as PlainObject;
  mergeInto({}, presetLayer.value, (p) => {
    if (!origin.has(formatPath(p))) origin.set(formatPath(p), presetLayer);
  });
  if (merged.scale === undefined || (SCALES as readonly unknown[]).includes(merged.scale)) merged.scale = scale;

  // 6. Validate.
  const result = runSpecSchema.safeParse(merged);
  if (!result.success) {
    const located = result.error.issues.flatMap((zi) => {
      if (zi.code === 'unrecognized_keys') {
        return zi.keys.map((key) => {
          const path = [...(zi.path as PathSegment[]), key];
          const what = path.length === 1 ? 'unknown section' : 'unknown key';
          return locate(path, `${what}; ${suggestKey(path)}`, origin);
        });
      }
      const path = zi.path as PathSegment[];
      const schema = schemaAt(path);
      const expected = schema ? describeExpected(schema) : zi.message;
      return [locate(path, `got ${describeValue(getPath(merged, path))}; expected ${expected}`, origin)];
    });
    throw new ConfigError(located);
  }
  const spec = result.data;

  // 7. Checks that span keys.
  if (spec.data.source === 'files' && spec.data.path === null) {
    issues.push(
      locate(['data', 'source'], 'is files but no data.path is given; pass --data PATH or set data.path', origin),
    );
  }
  if (spec.task.domain_adaptation) {
    issues.push(
      locate(
        ['task', 'domain_adaptation'],
        'is true, but no domain-adaptation objective exists yet (the dataset and domain ids are conditions of the flow, nothing more); ' +
          'set it to false. A key that would do nothing is refused rather than ignored',
        origin,
      ),
    );
  }
  if (spec.data.split.val_fraction + spec.data.split.test_fraction >= 1) {
    issues.push(
      locate(
        ['data', 'split'],
        `val_fraction + test_fraction = ${spec.data.split.val_fraction + spec.data.split.test_fraction}; ` +
          'expected below 1 so training keeps some windows',
        origin,
      ),
    );
  }
  const lim = limits();
  for (const i of runSpecIssues(spec, lim)) issues.push(locate(i.path, i.message, origin));
  if (issues.length) throw new ConfigError(issues);
  for (const w of runSpecWarnings(spec, lim)) warnings.push(locate(w.path, w.message, origin));
  if (spec.data.source === 'synthetic' && spec.data.path !== null) {
    warnings.push(
      locate(['data', 'path'], 'is ignored while data.source is synthetic; use --data PATH or data.source: files', origin),
    );
  }
  if (spec.task.lr_scheduler === 'warmup_cosine' && spec.task.warmup_epochs >= spec.task.epochs) {
    warnings.push(
      locate(
        ['task', 'warmup_epochs'],
        `(${spec.task.warmup_epochs}) is not below task.epochs (${spec.task.epochs}): the run never leaves warm-up`,
        origin,
      ),
    );
  }
  // Stored specs must not depend on the directory a run was started from.
  const absolute = (p: string): string => (isAbsolute(p) ? p : resolve(opts.cwd, p));
  spec.data.path = mapDataSourcePaths(spec.data.path, absolute);

  return { spec, warnings, sources: { configPath, text } };
}

/** An issue (or warning) at a path, naming the layer that gave the value and its line. */
function locate(path: PathSegment[], message: string, origin: Map<string, Layer>): ConfigIssue {
  const shown = formatPath(path);
  for (let n = path.length; n > 0; n--) {
    const prefix = formatPath(path.slice(0, n));
    const layer = origin.get(prefix);
    if (!layer) continue;
    const from = layer.aliasOf.get(prefix);
    const name = from ? `${from}${shown.slice(prefix.length)} (read as ${shown})` : shown;
    let line: number | undefined;
    for (let m = path.length; m > 0 && line === undefined; m--) line = layer.lines.get(formatPath(path.slice(0, m)));
    return { path: name, message, source: layer.source, ...(line !== undefined ? { line } : {}) };
  }
  return { path: shown, message, source: 'defaults' };
}

/** `data:` with everything commented out parses as null: read it as an empty section. */
function emptyNullMappings(value: PlainObject, at: string[] = []): PlainObject {
  const out: PlainObject = {};
  for (const [key, v] of Object.entries(value)) {
    const path = [...at, key];
    if (v === null && isMappingAt(path)) out[key] = {};
    else if (isPlainObject(v)) out[key] = emptyNullMappings(v, path);
    else out[key] = v;
  }
  return out;
}

/** A received value for a message: `-1`, `"cosin" (a string)`, `[1,2] (a list)`. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return `${JSON.stringify(value)} (a string)`;
  let json: string;
  try {
    json = JSON.stringify(value) ?? String(value);
  } catch {
    json = String(value);
  }
  if (json.length > 80) json = `${json.slice(0, 77)}...`;
  return `${json} (${Array.isArray(value) ? 'a list' : 'a mapping'})`;
}
