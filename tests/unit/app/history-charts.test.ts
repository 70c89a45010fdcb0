/** The history's parameter filter, the chart view (smoothing, log, duplicates), seed groups and compare legends. */
import { describe, expect, it } from 'vitest';
import { applyView, hideDuplicates, smooth } from '../../../src-renderer/src/lib/chart-view.js';
import { runLabels } from '../../../src-renderer/src/lib/config-diff.js';
import { pairsFigure, seriesFigure, STEP_LABEL, TIME_LABEL } from '../../../src-renderer/src/lib/figures.js';
import { FilterError, matchesFilter, parseFilter } from '../../../src-renderer/src/lib/param-filter.js';
import { meanStdByGroup, meanStdTraces } from '../../../src-renderer/src/lib/seed-groups.js';
import { aRun } from './support.js';

describe('parameter filter', () => {
  const runs = [
    aRun('a', { model: 'mlp 256', params: { lr: 1e-3, batch: 32, contrastive: false, seed: 1 } }),
    aRun('b', { model: 'dit 128', params: { lr: 1e-4, batch: 16, contrastive: true, seed: 2 } }),
    aRun('c', { model: 'mlp 64', params: { lr: 5e-5, batch: null, contrastive: false, seed: 3 } }),
  ];
  const keep = (text: string) => runs.filter((r) => matchesFilter(r, parseFilter(text))).map((r) => r.id);

  it('keeps the runs every clause holds for', () => {
    expect(keep('lr > 1e-4')).toEqual(['a']);
    expect(keep('lr >= 1e-4')).toEqual(['a', 'b']);
    expect(keep('lr < 1e-3 and batch >= 16')).toEqual(['b']);
    expect(keep('model = mlp, contrastive = false')).toEqual(['a', 'c']);
    expect(keep('model != mlp')).toEqual(['b']);
    expect(keep('batch != 32')).toEqual(['b', 'c']); // a missing value is "not 32"
    expect(keep('  ')).toEqual(['a', 'b', 'c']);
  });

  it('refuses what it cannot read, naming the clause and what is valid (never evaluated as code)', () => {
    expect(() => parseFilter('lrate > 1')).toThrow(FilterError);
    expect(() => parseFilter('lrate > 1')).toThrow(/"lrate" is not a filterable parameter; use one of lr, batch/);
    expect(() => parseFilter('lr 1e-4')).toThrow(/"lr 1e-4" is not a condition; write NAME OP VALUE/);
    expect(() => parseFilter('lr >> 1')).toThrow(/"lr >> 1": > needs a number, got "> 1"/);
    expect(() => parseFilter('model > mlp')).toThrow(/> needs a number, got "mlp"/);
    expect(() => parseFilter('lr > 1; process.exit()')).toThrow(FilterError);
  });
});

describe('chart view', () => {
  it('smooths with a debiased EMA, keeping gaps', () => {
    expect(smooth([2, 2, 2], 0.9)).toEqual([2, 2, 2].map((v) => expect.closeTo(v, 12)));
    const s = smooth([0, 10, null, 10], 0.5);
    expect(s[2]).toBeNull();
    expect(s[1]).toBeCloseTo((0.5 * 0 * 0.5 + 0.5 * 10) / (1 - 0.25), 12);
    expect(smooth([1, 5], 0)).toEqual([1, 5]);
  });

  it('hides a series equal to an earlier one and names both on the kept one', () => {
    const t = (name: string, y: number[]) => ({ name, x: [1, 2, 3], y });
    const kept = hideDuplicates([t('flow_loss', [3, 2, 1]), t('contrastive_loss', [5, 4, 3]), t('total_loss', [3, 2, 1])]);
    expect(kept.map((k) => k.name)).toEqual(['flow_loss = total_loss', 'contrastive_loss']);
    expect(hideDuplicates([t('a', [1, 2, 3]), t('b', [1, 2, 3.1])])).toHaveLength(2);
  });

  it('applies smoothing and an explicit y scale over the figure’s own', () => {
    const fig = seriesFigure('f', 'F', 'y', [{ name: 'grad_norm', step: [1, 2, 3], value: [1, 100, 1] }], ['r'], { yLog: true });
    const v = applyView(fig, { smoothing: 0.5, yScale: 'linear', xAxis: 'step' });
    expect(v.yLog).toBe(false);
    expect(v.traces[0]!.y[1]).toBeLessThan(100);
    expect(applyView(fig, { smoothing: 0, yScale: 'auto', xAxis: 'step' }).yLog).toBe(true);
  });

  it('plots against wall time when asked and every series has it', () => {
    const series = [{ name: 'a', step: [1, 2], value: [1, 2], t: [10_000, 12_500] }, { name: 'b', step: [1], value: [3], t: [11_000] }];
    const fig = seriesFigure('f', 'F', 'y', series, ['r'], { xTime: true, markers: [{ x: 1, label: 'nan' }] });
    expect(fig.xLabel).toBe(TIME_LABEL);
    expect(fig.traces.map((t) => t.x)).toEqual([[0, 2.5], [1]]);
    expect(fig.markers).toBeUndefined();
    expect(seriesFigure('f', 'F', 'y', [{ name: 'a', step: [1], value: [1] }], ['r'], { xTime: true }).xLabel).toBe(STEP_LABEL);
  });

  it('draws real and generated windows as small multiples, one pair per panel', () => {
    const c = (v: number) => ({ x: [0, 1], y: [v, v] });
    const fig = pairsFigure('w', 'W', 'time (s)', 'amp', [c(1), c(2), c(3)], [c(4), c(5), c(6)], ['r'], ['#111111', '#222222']);
    expect(fig.panels).toHaveLength(3);
    expect(fig.traces.map((t) => `${t.panel}:${t.name}`)).toEqual(['0:real', '0:generated', '1:real', '1:generated', '2:real', '2:generated']);
    expect(fig.traces.filter((t) => t.showLegend).map((t) => t.name)).toEqual(['real', 'generated']);
  });
});

describe('seed groups and compare legends', () => {
  it('mean ± std over the steps every seed reached', () => {
    const [g, solo] = meanStdByGroup([
      { group: 'lr=0.001', step: [1, 2, 3], value: [1, 2, 3] },
      { group: 'lr=0.001', step: [1, 2], value: [3, 4] },
      { group: 'lr=0.0001', step: [1], value: [7] },
    ]);
    expect(g).toEqual({ group: 'lr=0.001', runs: 2, step: [1, 2], mean: [2, 3], std: [Math.SQRT2, Math.SQRT2] });
    const traces = meanStdTraces([g!, solo!], ['#000000', '#111111']);
    expect(traces.map((t) => t.name)).toEqual(['lr=0.001 (mean of 2 seeds) − std', 'lr=0.001 (mean of 2 seeds) + std', 'lr=0.001 (mean of 2 seeds)', 'lr=0.0001']);
    expect(traces[1]).toMatchObject({ fill: 'tonexty', band: true, showLegend: false });
    expect(traces[0]!.y).toEqual([2 - Math.SQRT2, 3 - Math.SQRT2]);
  });

  it('legends name the differing parameters, not run ids', () => {
    const cfg = (h: number, seed: number) => ({ name: `run ${h}`, model: { hidden_dim: h }, environment: { seed }, task: { lr: 1e-3 } });
    expect(runLabels([cfg(64, 1), cfg(128, 1)], ['a', 'b'])).toEqual(['hidden_dim=64', 'hidden_dim=128']);
    expect(runLabels([cfg(64, 1), cfg(64, 2)], ['a', 'b'])).toEqual(['seed=1', 'seed=2']);
    expect(runLabels([cfg(64, 1), cfg(128, 2)], ['a', 'b'], ['environment.seed'])).toEqual(['hidden_dim=64', 'hidden_dim=128']);
    expect(runLabels([cfg(64, 1), cfg(64, 1)], ['a', 'b'])).toEqual(['a', 'b']);
  });
});
