// @vitest-environment happy-dom
/**
 * The multi-panel evaluation figure, host to view: a real store and evaluation folder
 * written by the real report writer (with the engine's PCA tables) → getEvaluationFigure
 * → the runs store → the figure builder (three panels, class colours shared, CSV of every
 * panel, export size) → the EvaluationFigure component.
 */
import { mount } from '@vue/test-utils';
import path from 'node:path';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EvaluationFigure } from '../../../src-preload/contract.js';
import { latentPcaTables } from '../../../src-main/engine/evaluate/figure-data.js';
import { createApiHandlers } from '../../../src-main/host/app/api-handlers.js';
import { writeEvaluationReport } from '../../../src-main/host/evaluate/evaluate-report.js';
import { openStore, type Store } from '../../../src-main/store/index.js';
import { figureSize } from '../../../src-renderer/src/lib/figure-size.js';
import EvaluationFigureView from '../../../src-renderer/src/history/EvaluationFigure.vue';
import { figureCsv } from '../../../src-renderer/src/lib/csv.js';
import { evaluationFigure } from '../../../src-renderer/src/lib/evaluation-figure.js';
import { useRunsStore } from '../../../src-renderer/src/stores/runs.js';
import { transportKey } from '../../../src-renderer/src/transport/transport.js';
import { tempHome } from '../../support/cli.js';
import { aRun, TableTransport, withTransport } from './support.js';

let home: string;
let store: Store;
let reply: EvaluationFigure;

beforeAll(async () => {
  home = tempHome('flowbench-evalfig-');
  store = openStore(path.join(home, 'db.sqlite'));
  const workdir = path.join(home, 'runs', 'r1');
  store.runs.create({ id: 'r1', name: 'r1', scale: 'quick', config: {}, configHash: 'h', dataSource: 'synthetic', seed: 0, workdir });
  store.runs.create({ id: 'r2', name: 'r2', scale: 'quick', config: {}, configHash: 'h', dataSource: 'synthetic', seed: 0, workdir: path.join(home, 'runs', 'r2') });
  store.metrics.insertMany([1, 2, 3].flatMap((step) => [
    { runId: 'r1', step, epoch: 1, scope: 'step' as const, name: 'flow_loss', value: 3 - step / 2 },
    { runId: 'r1', step, epoch: 1, scope: 'step' as const, name: 'contrastive_loss', value: 1 / step },
    { runId: 'r1', step, epoch: 1, scope: 'step' as const, name: 'lr', value: 1e-3 },
  ]));
  const feats = { n: 4, d: 2, data: Float64Array.from([2, 0, -2, 0, 0, 1, 0, -1]) };
  const latent = latentPcaTables(feats, (i) => (i < 2 ? 'normal' : 'outer_race'), () => 'load_0HP');
  const spectra = {
    name: 'spectra', columns: ['class', 'domain', 'source', 'frequency_hz', 'magnitude'],
    rows: ['real', 'generated'].flatMap((src) => ['normal', 'outer_race'].flatMap((c) => [0, 100, 200].map((hz) => [c, 'load_0HP', src, hz, hz / 100 + (src === 'real' ? 1 : 2)]))),
  };
  // The newest folder lacks the figure tables, so the one before it is picked.
  writeEvaluationReport(path.join(workdir, 'evaluation', '2026-01-01T00-00-00-000Z'), { run_id: 'r1', created: 'old' }, []);
  writeEvaluationReport(path.join(workdir, 'evaluation', '2026-01-02T00-00-00-000Z'), { run_id: 'r1', created: '2026-01-02T00:00:00.000Z' }, [...latent, spectra]);
  writeEvaluationReport(path.join(workdir, 'evaluation', '2026-01-03T00-00-00-000Z'), { run_id: 'r1', created: 'newest, no figure tables' }, []);
  reply = await createApiHandlers(store).getEvaluationFigure({ id: 'r1' });
});

afterAll(() => {
  store?.close();
  rmSync(home, { recursive: true, force: true });
});

describe('getEvaluationFigure (host)', () => {
  it('returns the step losses and the newest evaluation that has the figure tables', () => {
    expect(reply.losses.map((s) => s.name)).toEqual(['flow_loss', 'contrastive_loss']);
    expect(reply.losses[0].value).toEqual([2.5, 2, 1.5]);
    expect(reply.evaluation?.created).toBe('2026-01-02T00:00:00.000Z');
    expect(reply.evaluation?.spectra).toHaveLength(4);
    expect(reply.evaluation?.spectra.find((s) => s.class === 'outer_race' && s.source === 'generated')).toMatchObject({ hz: [0, 100, 200], magnitude: [2, 3, 4] });
    // PCA of the 4 points: the ±2 spread is pc1 (variance 8/3 of 10/3 in all).
    expect(reply.evaluation?.latent.class).toEqual(['normal', 'normal', 'outer_race', 'outer_race']);
    expect(reply.evaluation?.latent.pc1.map(Math.abs)).toEqual([2, 2, 0, 0]);
    expect(reply.evaluation?.latent.explained[0]).toBeCloseTo(0.8, 5);
  });

  it('says null for a run never evaluated and refuses a bad request by field', async () => {
    const h = createApiHandlers(store);
    expect((await h.getEvaluationFigure({ id: 'r2' })).evaluation).toBeNull();
    await expect(h.getEvaluationFigure({ id: 'r1', extra: 1 })).rejects.toThrow(/extra/);
  });
});

describe('evaluation figure (builder, export, view)', () => {
  it('builds three panels: losses, real vs generated spectra (dashed), latent map in the class colours', () => {
    const fig = evaluationFigure('r1', reply)!;
    expect(fig.panels?.map((p) => p.title)).toEqual(['losses', 'real vs generated spectra', 'latent map (encoder PCA)']);
    const byPanel = (p: number) => fig.traces.filter((t) => (t.panel ?? 0) === p);
    expect(byPanel(0).map((t) => t.name)).toEqual(['flow loss', 'contrastive loss']);
    expect(byPanel(1)).toHaveLength(4);
    expect(byPanel(1).filter((t) => t.dash === 'dash').map((t) => t.name)).toEqual(['normal generated', 'outer_race generated']);
    expect(byPanel(1)[0].x).toEqual([100, 200]); // the removed-mean bin is left off the log axis
    const latent = byPanel(2);
    expect(latent.map((t) => t.mode)).toEqual(['markers', 'markers']);
    expect(latent[1].color).toBe(byPanel(1).find((t) => t.name === 'outer_race real')!.color);
    expect(fig.panels![2].xLabel).toContain('80.0 % of variance');
    expect(fig.runIds).toEqual(['r1']);
    expect(evaluationFigure('r2', { id: 'r2', losses: [], evaluation: null })).toBeNull();
  });

  it('writes every panel into the CSV and sizes the export per journal preset', () => {
    const fig = evaluationFigure('r1', reply)!;
    const lines = figureCsv(fig).trim().split('\n');
    expect(lines[0]).toBe('panel,series,x_axis,x,y_axis,y');
    expect(new Set(lines.slice(1).map((l) => l.split(',')[0]))).toEqual(new Set(['losses', 'real vs generated spectra', 'latent map (encoder PCA)']));
    expect(lines).toContain('losses,flow loss,optimiser step (–),3,loss (a.u.),1.5');
    expect(lines.length - 1).toBe(3 + 3 + 4 * 2 + 4);
    expect(figureSize('single', fig)).toEqual({ widthIn: 3.5, heightIn: 7 });
    expect(figureSize('double', fig)).toEqual({ widthIn: 7.16, heightIn: 3 });
    expect(figureSize('single')).toEqual({ widthIn: 3.5, heightIn: 2.6 });
  });

  it('the runs store loads it on select, and the view shows the figure or how to get one', async () => {
    const h = createApiHandlers(store);
    const t = new TableTransport({
      getRun: ({ id }) => ({ run: aRun(String(id)), metrics: [], events: [], checkpoints: [], config: {} }),
      getMetrics: ({ id }) => ({ id: String(id), series: [] }),
      getEvaluationFigure: (req) => h.getEvaluationFigure(req),
    });
    withTransport(t);
    const runs = useRunsStore();
    await runs.select('r1');
    expect(runs.evaluation?.evaluation?.spectra).toHaveLength(4);
    const stubs = { Chart: { props: ['figure'], template: '<div class="chart-stub" :data-panels="figure.panels.length" />' } };
    const w = mount(EvaluationFigureView, { props: { runId: 'r1', data: runs.evaluation }, global: { stubs, provide: { [transportKey as symbol]: t } } });
    expect(w.get('.chart-stub').attributes('data-panels')).toBe('3');
    expect(w.text()).toContain('4 held-out windows');
    await runs.select('r2');
    expect(runs.evaluation?.evaluation).toBeNull();
    const w2 = mount(EvaluationFigureView, { props: { runId: 'r2', data: runs.evaluation }, global: { stubs } });
    expect(w2.find('.chart-stub').exists()).toBe(false);
    expect(w2.get('[data-testid=no-evaluation]').text()).toContain('flowbench evaluate r2');
  });
});
