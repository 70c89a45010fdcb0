/**
 * Checks that span keys of a validated RunSpec and that the engine would otherwise find only
 * after the run is recorded: the model against the window (patch size, heads, conditions),
 * sanity ranges for rates and synthetic sizes, a memory estimate for the model, and a
 * forced native engine against what it covers (native-coverage.ts).
 * Each returns the key it is about, so the loader can point at the file and line.
 */
import { limitEnvName, type Limits } from '../data/limits.js';
import { nativeCoverageGap } from './native-coverage.js';
import type { PathSegment } from './paths.js';
import type { RunSpec } from './schema.js';

export interface SpanIssue {
  path: PathSegment[];
  message: string;
}

/** Floats kept per parameter while training: weights, gradient, two Adam moments, EMA, update temporaries. */
const FLOATS_PER_PARAM = 8;
/** Floats kept per activation value for the backward pass and kernel temporaries (coarse). */
const FLOATS_PER_ACTIVATION = 12;

export interface MemoryEstimate {
  params: number;
  mb: number;
}

/** Coarse training-memory estimate (MiB) of the model, optimiser and one batch's activations. */
export function estimateModelMemory(spec: RunSpec): MemoryEstimate {
  const m = spec.model;
  const channels = Math.max(1, spec.data.channels?.length ?? 1);
  const L = spec.data.window_length;
  const D = L * channels;
  const B = spec.task.batch_size;
  const ctx = m.time_dim + m.condition_dim;
  let params: number;
  let activations: number;
  if (m.velocity_net === 'dit') {
    const d = m.token_dim;
    const tokens = Math.max(1, Math.floor(L / m.patch_size));
    const perBlock = 6 * d * ctx + 4 * d * d + 2 * d * m.hidden_dim;
    params = m.depth * perBlock + 2 * m.patch_size * channels * d + 2 * d * ctx;
    activations = B * m.depth * (tokens * (6 * d + m.hidden_dim) + m.heads * tokens * tokens);
  } else {
    const H = m.hidden_dim;
    params = (D + ctx) * H + H * H + H * D;
    activations = B * (3 * D + 4 * H);
  }
  if (spec.task.use_contrastive) {
    const feature = m.velocity_net === 'dit' ? m.token_dim : m.hidden_dim;
    params += feature * spec.task.projection_hidden_dim + spec.task.projection_hidden_dim * spec.task.projection_dim;
  }
  const bytes = 4 * (params * FLOATS_PER_PARAM + activations * FLOATS_PER_ACTIVATION);
  return { params, mb: Math.round(bytes / 2 ** 20) };
}

function rateIssue(path: PathSegment[], hz: number, lim: Limits): SpanIssue | null {
  if (Number.isFinite(hz) && hz >= lim.minRateHz && hz <= lim.maxRateHz) return null;
  return { path, message: `${hz} Hz is outside the accepted range ${lim.minRateHz}–${lim.maxRateHz} Hz` };
}

/** Errors: the run cannot start as configured. */
export function runSpecIssues(spec: RunSpec, lim: Limits): SpanIssue[] {
  const issues: SpanIssue[] = [];
  const m = spec.model;
  const L = spec.data.window_length;
  if (m.velocity_net === 'dit') {
    if (L % m.patch_size !== 0) {
      const divisors = [2, 4, 8, 16, 32, 64, 128].filter((p) => L % p === 0).join(', ') || '1';
      issues.push({ path: ['model', 'patch_size'], message: `${m.patch_size} does not divide data.window_length ${L}; choose a divisor (e.g. ${divisors}) or change the window length` });
    }
    if (m.token_dim % m.heads !== 0) {
      issues.push({ path: ['model', 'token_dim'], message: `${m.token_dim} is not divisible by model.heads ${m.heads}` });
    }
  }
  const seen = new Set<string>();
  for (const [i, c] of m.conditions.entries()) {
    if (seen.has(c)) issues.push({ path: ['model', 'conditions', i], message: `'${c}' is listed twice; name each condition once` });
    seen.add(c);
  }
  const s = spec.data.synthetic;
  if (spec.data.source === 'synthetic') {
    const bad = rateIssue(['data', 'synthetic', 'fs_hz'], s.fs_hz, lim);
    if (bad) issues.push(bad);
    else if (s.fs_hz * s.seconds > lim.maxSyntheticSamples) {
      issues.push({
        path: ['data', 'synthetic', 'seconds'],
        message: `${s.seconds} s at ${s.fs_hz} Hz is ${Math.round(s.fs_hz * s.seconds)} samples per recording; at most ${lim.maxSyntheticSamples} ` +
          `(the maxSyntheticSamples limit, ${limitEnvName('maxSyntheticSamples')})`,
      });
    } else if (s.fs_hz * s.seconds < L) {
      issues.push({ path: ['data', 'synthetic', 'seconds'], message: `${s.seconds} s at ${s.fs_hz} Hz is shorter than one data.window_length (${L} samples)` });
    }
  }
  if (typeof spec.data.resample_hz === 'number') {
    const bad = rateIssue(['data', 'resample_hz'], spec.data.resample_hz, lim);
    if (bad) issues.push(bad);
  }
  for (const [id, hz] of Object.entries(spec.data.fs_overrides)) {
    const bad = rateIssue(['data', 'fs_overrides', id], hz, lim);
    if (bad) issues.push(bad);
  }
  const gap = spec.engine.backend === 'native' ? nativeCoverageGap(spec.model, spec.task) : null;
  if (gap) {
    issues.push({ path: ['engine', 'backend'], message: `is native, but ${gap.message}; use engine.backend auto (or wasm) to train this model on wasm` });
  }
  const memory = estimateModelMemory(spec);
  if (memory.mb > lim.maxModelMemoryMb) {
    issues.push({
      path: ['model'],
      message: `needs about ${memory.mb} MiB to train (${(memory.params / 1e6).toFixed(1)} M parameters, batch ${spec.task.batch_size}); ` +
        `at most ${lim.maxModelMemoryMb} MiB is accepted (the maxModelMemoryMb limit, ${limitEnvName('maxModelMemoryMb')}); ` +
        'use a smaller hidden_dim/token_dim/depth, a shorter data.window_length or a smaller task.batch_size',
    });
  }
  return issues;
}

/** Warnings: the run can start but may disappoint. */
export function runSpecWarnings(spec: RunSpec, lim: Limits): SpanIssue[] {
  const memory = estimateModelMemory(spec);
  const budget = spec.trainer.memory_budget_mb;
  if (memory.mb > lim.warnModelMemoryMb || (budget !== null && memory.mb > budget)) {
    return [{
      path: ['model'],
      message: `needs about ${memory.mb} MiB to train (${(memory.params / 1e6).toFixed(1)} M parameters, batch ${spec.task.batch_size})` +
        (budget !== null && memory.mb > budget ? `, more than trainer.memory_budget_mb ${budget}` : '') +
        '; expect slow steps or out-of-memory batch halving',
    }];
  }
  return [];
}
