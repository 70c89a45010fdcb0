// @vitest-environment happy-dom
/** The run page's Evaluate / Sample panel and its score table, against a table of host replies. */
import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import EvaluationFigure from '../../../src-renderer/src/history/EvaluationFigure.vue';
import { useRunsStore } from '../../../src-renderer/src/stores/runs.js';
import { transportKey } from '../../../src-renderer/src/transport/transport.js';
import { aRun, TableTransport, withTransport } from './support.js';

const stubs = { Chart: { template: '<div class="chart-stub" />' } };
const tick = () => new Promise((r) => setTimeout(r, 0));
const ckpt = { step: 16, epoch: 2, path: '/r/c.safetensors', sha256: 'ab'.repeat(32), bytes: 10, kind: 'final' as const, stable: true, createdAt: 't' };
const SCORES = {
  path: '/r/evaluation/x/report.json', created: '2026-12-05T00:00:00Z', scale: 'quick',
  scores: [
    { metric: 'linear_probe.accuracy', value: 0.22, ci95: null, protocol: 'p', higherIsBetter: true, against: [
      { name: 'baseline random_init', kind: 'baseline' as const, value: 0.21, beatsModel: false },
      { name: 'baseline log_psd', kind: 'baseline' as const, value: 0.3, beatsModel: true },
    ] },
    { metric: 'generation.mmd2_windows', value: 0.01, ci95: null, protocol: 'g', higherIsBetter: false, against: [
      { name: 'control white_noise', kind: 'control' as const, value: 0.5, beatsModel: false },
      { name: 'reference real_vs_real', kind: 'reference' as const, value: 0.001, beatsModel: false },
    ] },
  ],
};

function setup(run = aRun('r1'), checkpoints = [ckpt]) {
  let evaluated = false;
  const t = new TableTransport({
    getRun: ({ id }) => ({ run: { ...run, id }, metrics: [], events: [], checkpoints, config: {} }),
    getMetrics: ({ id }) => ({ id, series: [] }),
    getEvaluationFigure: ({ id }) => ({ id, losses: [], evaluation: null }),
    getEvaluationScores: ({ id }) => ({ id, report: evaluated ? SCORES : null }),
    evaluateRun: async ({ id }) => {
      t.emit({ event: 'evaluation', run_id: id, step: 16, section: 'setup', seconds: 1.2 } as never);
      t.emit({ event: 'evaluation', run_id: 'other', step: 1, section: 'generation', seconds: 9 } as never);
      t.emit({ event: 'evaluation', run_id: id, step: 16, section: 'linear_probe', seconds: 2.5 } as never);
      evaluated = true;
      return { id, reportPath: SCORES.path, qualityRows: 3, checkpointNote: null };
    },
    sampleRun: ({ id, count }) => ({ id, path: `/r/samples/s.csv`, count, windowLength: 4, channels: 1, seconds: 0.3, windows: [[0, 1, 0, -1]] }),
  });
  const pinia = withTransport(t);
  return { t, pinia };
}

describe('EvaluationFigure panel', () => {
  it('evaluates with the chosen scale and sections, lists each finished section of this run, then shows the flagged score table', async () => {
    const { t, pinia } = setup();
    const runs = useRunsStore();
    await runs.select('r1');
    const w = mount(EvaluationFigure, { props: { runId: 'r1', data: runs.evaluation }, global: { plugins: [pinia], provide: { [transportKey as symbol]: t }, stubs } });
    await tick();
    expect(w.find('table[aria-label="Evaluation scores"]').exists()).toBe(false);
    await w.get('select[aria-label="Evaluation scale"]').setValue('medium');
    await w.get('input[aria-label="Section anomaly"]').setValue(false);
    await w.findAll('button').find((b) => b.text() === 'Evaluate')!.trigger('click');
    await tick();
    await tick();
    expect(t.calls.find((c) => c.method === 'evaluateRun')?.req).toEqual({ id: 'r1', scale: 'medium', sections: ['linear_probe', 'few_shot', 'cross_condition', 'baselines', 'generation'] });
    const progress = w.get('[data-testid="evaluation-progress"]').text();
    expect(progress).toContain('setup ✓ (1.2 s)');
    expect(progress).toContain('linear_probe ✓ (2.5 s)');
    expect(progress).not.toContain('generation'); // another run's event
    const table = w.get('table[aria-label="Evaluation scores"]');
    expect(table.findAll('tr.beaten').map((r) => r.text())).toEqual([expect.stringContaining('linear_probe.accuracy')]);
    expect(table.findAll('.vs.flag').map((s) => s.text())).toEqual(['baseline log_psd 0.3000 ⚑']);
    expect(w.get('[data-testid="beaten-summary"]').text()).toContain('A baseline beats the model on linear_probe.accuracy (log_psd)');
    expect(t.methods().filter((m) => m === 'getEvaluationFigure').length).toBe(2); // the figure reloads from the new report
  });

  it('samples the asked number of windows and says where they went', async () => {
    const { t, pinia } = setup();
    const runs = useRunsStore();
    await runs.select('r1');
    const w = mount(EvaluationFigure, { props: { runId: 'r1', data: runs.evaluation }, global: { plugins: [pinia], provide: { [transportKey as symbol]: t }, stubs } });
    await w.get('input[aria-label="Sample count"]').setValue(3);
    await w.findAll('button').find((b) => b.text() === 'Sample')!.trigger('click');
    await tick();
    expect(t.calls.find((c) => c.method === 'sampleRun')?.req).toEqual({ id: 'r1', count: 3 });
    expect(w.get('[data-testid="sample-result"]').text()).toContain('wrote 3 windows × 4 samples to /r/samples/s.csv');
  });

  it('disables Evaluate and Sample, saying why, while the run trains or when it has no checkpoint', async () => {
    for (const [run, checkpoints, why] of [
      [aRun('r1', { status: 'running', active: true }), [ckpt], /still training/],
      [aRun('r1', { status: 'failed' }), [], /no checkpoint/],
    ] as const) {
      const { t, pinia } = setup(run, [...checkpoints]);
      const runs = useRunsStore();
      await runs.select('r1');
      const w = mount(EvaluationFigure, { props: { runId: 'r1', data: runs.evaluation }, global: { plugins: [pinia], provide: { [transportKey as symbol]: t }, stubs } });
      await tick();
      for (const label of ['Evaluate', 'Sample']) expect(w.findAll('button').find((b) => b.text() === label)!.attributes('disabled')).toBeDefined();
      expect(w.text()).toMatch(why);
    }
  });
});
