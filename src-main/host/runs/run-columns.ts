/**
 * What the history shows of a run's config beside its losses: the model, the KEY_PARAMS
 * (declared in the contract) and the seed group — runs whose configs are equal but for the
 * seed (and the free-text name), so their curves can be averaged.
 */
import { KEY_PARAMS, type Run } from '../../../src-preload/contract.js';
import { specHash } from '../../config/spec-hash.js';

type ParamValue = Run['params'][string];

function at(config: Record<string, unknown>, dotted: string): unknown {
  let v: unknown = config;
  for (const k of dotted.split('.')) v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
  return v;
}

function asParam(v: unknown): ParamValue {
  return typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean' ? v : null;
}

export function runColumns(config: Record<string, unknown>): Pick<Run, 'model' | 'params' | 'seedGroup'> {
  const net = asParam(at(config, 'model.velocity_net'));
  const width = asParam(at(config, 'model.hidden_dim'));
  const params: Run['params'] = {};
  for (const [short, key] of Object.entries(KEY_PARAMS)) params[short] = asParam(at(config, key));
  const env = (config.environment ?? {}) as Record<string, unknown>;
  const { seed: _seed, ...envWithoutSeed } = env;
  const { name: _name, ...rest } = config;
  return {
    model: net === null ? '—' : `${String(net)}${width === null ? '' : ` ${String(width)}`}`,
    params,
    seedGroup: specHash({ ...rest, environment: envWithoutSeed }).slice(0, 16),
  };
}
