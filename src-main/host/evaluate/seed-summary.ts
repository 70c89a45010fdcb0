/**
 * Repetition over seeds: mean ± standard deviation of every score that evaluations under
 * several seeds share (`flowbench evaluate --seeds N`, `pipeline --seeds N`), and the history's
 * groups of runs that differ only in environment.seed (`flowbench runs --group-seeds`).
 */
import { specHash } from '../../config/index.js';
import type { RunListItem } from '../runs/run-report.js';
import { qualityLeaves } from './evaluate-report.js';

export interface SeedStat {
  metric: string;
  protocol: string;
  n: number;
  mean: number;
  /** Sample standard deviation (n − 1); 0 for a single value. */
  std: number;
  values: number[];
  seeds: number[];
}

export function meanStd(values: readonly number[]): { mean: number; std: number } {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const std = n > 1 ? Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1)) : 0;
  return { mean, std };
}

/** Per metric path present in every report (same protocol), in the first report's order. */
export function summariseSeedReports(reports: readonly { seed: number; report: Record<string, unknown> }[]): SeedStat[] {
  const per = reports.map((r) => new Map(qualityLeaves(r.report).map((l) => [l.metric, l])));
  if (per.length === 0) return [];
  const out: SeedStat[] = [];
  for (const [metric, first] of per[0]) {
    const leaves = per.map((m) => m.get(metric));
    if (leaves.some((l) => !l || l.protocol !== first.protocol || !Number.isFinite(l.value))) continue;
    const values = leaves.map((l) => l!.value);
    out.push({ metric, protocol: first.protocol, n: values.length, ...meanStd(values), values, seeds: reports.map((r) => r.seed) });
  }
  return out;
}

export function seedSummaryMarkdown(stats: readonly SeedStat[], title: string): string {
  const f = (v: number) => (Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(3) : v.toFixed(4));
  const lines = [`# ${title}`, '', `seeds: ${stats[0]?.seeds.join(', ') ?? '—'}`, '', '| metric | mean ± std | n | values | protocol |', '|---|---|---|---|---|'];
  for (const s of stats) lines.push(`| ${s.metric} | ${f(s.mean)} ± ${f(s.std)} | ${s.n} | ${s.values.map(f).join(', ')} | ${s.protocol} |`);
  return lines.join('\n') + '\n';
}

/** A run's settings with the seed taken out: runs with equal keys differ only in seed. */
export function seedlessConfigHash(config: Record<string, unknown>): string {
  const env = (config.environment ?? {}) as Record<string, unknown>;
  const { seed: _seed, ...rest } = env;
  void _seed;
  return specHash({ ...config, environment: rest });
}

export interface SeedGroup {
  /** First 12 hex digits of the seedless config hash. */
  key: string;
  runs: string[];
  seeds: number[];
  statuses: string[];
  last_flow_loss: { mean: number; std: number; n: number } | null;
  last_val_flow_loss: { mean: number; std: number; n: number } | null;
}

/**
 * Runs grouped by their seedless config (data.path included; the data's hash is not compared,
 * since the synthetic generator's data follows the seed), newest group first.
 */
export function groupRunsBySeed(items: readonly (RunListItem & { config: Record<string, unknown>; seed: number })[]): SeedGroup[] {
  const groups = new Map<string, typeof items[number][]>();
  for (const it of items) {
    const k = seedlessConfigHash(it.config).slice(0, 12);
    groups.set(k, [...(groups.get(k) ?? []), it]);
  }
  const stat = (xs: (number | null)[]) => {
    const v = xs.filter((x): x is number => x !== null && Number.isFinite(x));
    return v.length ? { ...meanStd(v), n: v.length } : null;
  };
  return [...groups.entries()].map(([k, runs]) => ({
    key: k,
    runs: runs.map((r) => r.id),
    seeds: runs.map((r) => r.seed),
    statuses: runs.map((r) => r.status),
    last_flow_loss: stat(runs.map((r) => r.last_flow_loss)),
    last_val_flow_loss: stat(runs.map((r) => r.last_val_flow_loss)),
  }));
}

export function formatSeedGroups(groups: readonly SeedGroup[]): string {
  if (groups.length === 0) return 'no runs\n';
  const f = (s: SeedGroup['last_flow_loss']) => (s ? `${s.mean.toFixed(4)} ± ${s.std.toFixed(4)} (n ${s.n})` : '—');
  const lines = ['CONFIG        RUNS  SEEDS            FLOW LOSS (last)            VAL FLOW LOSS (last)        RUN IDS'];
  for (const g of groups) {
    lines.push(`${g.key}  ${String(g.runs.length).padStart(4)}  ${g.seeds.join(',').padEnd(15)}  ${f(g.last_flow_loss).padEnd(26)}  ${f(g.last_val_flow_loss).padEnd(26)}  ${g.runs.join(' ')}`);
  }
  return lines.join('\n') + '\n';
}
