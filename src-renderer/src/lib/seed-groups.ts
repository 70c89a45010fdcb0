/**
 * Runs that differ only by seed (same Run.seedGroup), folded into one curve: the mean at
 * each step all of them reached, and ± one standard deviation as a band.
 */
import type { FigureTrace } from './figure-spec.js';

export interface RunCurve {
  /** Legend label of the group (its differing parameters). */
  group: string;
  step: number[];
  value: (number | null)[];
}

export interface MeanStd {
  group: string;
  runs: number;
  step: number[];
  mean: number[];
  std: number[];
}

/** Mean and sample standard deviation per group, over the steps every run of the group has a finite value at. */
export function meanStdByGroup(curves: readonly RunCurve[]): MeanStd[] {
  const groups = new Map<string, RunCurve[]>();
  for (const c of curves) groups.set(c.group, [...(groups.get(c.group) ?? []), c]);
  return [...groups.entries()].map(([group, members]) => {
    const maps = members.map((m) => new Map(m.step.map((s, i) => [s, m.value[i]] as const)));
    const steps = members[0]!.step.filter((s) => maps.every((mp) => typeof mp.get(s) === 'number'));
    const mean: number[] = [];
    const std: number[] = [];
    for (const s of steps) {
      const vs = maps.map((mp) => mp.get(s) as number);
      const mu = vs.reduce((a, b) => a + b, 0) / vs.length;
      mean.push(mu);
      std.push(vs.length > 1 ? Math.sqrt(vs.reduce((a, b) => a + (b - mu) ** 2, 0) / (vs.length - 1)) : 0);
    }
    return { group, runs: members.length, step: steps, mean, std };
  });
}

/** Per group: the lower edge (hidden from the legend), the upper edge filled down to it, and the mean line. */
export function meanStdTraces(groups: readonly MeanStd[], palette: readonly string[]): FigureTrace[] {
  return groups.flatMap((g, i) => {
    const color = palette[i % palette.length]!;
    if (g.runs === 1) return [{ name: g.group, x: g.step, y: g.mean, color }];
    const name = `${g.group} (mean of ${g.runs} seeds)`;
    return [
      { name: `${name} − std`, x: g.step, y: g.mean.map((m, k) => m - g.std[k]!), color, showLegend: false, band: true },
      { name: `${name} + std`, x: g.step, y: g.mean.map((m, k) => m + g.std[k]!), color, showLegend: false, band: true, fill: 'tonexty' as const },
      { name, x: g.step, y: g.mean, color },
    ];
  });
}
