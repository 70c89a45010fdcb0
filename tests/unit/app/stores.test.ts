import { beforeEach, describe, expect, it } from 'vitest';
import { diffConfigs, flatten } from '../../../src-renderer/src/lib/config-diff.js';
import { figureCsv } from '../../../src-renderer/src/lib/csv.js';
import { useCompareStore } from '../../../src-renderer/src/stores/compare.js';
import { useLiveStore } from '../../../src-renderer/src/stores/live.js';
import { useRunsStore } from '../../../src-renderer/src/stores/runs.js';
import { draftSets, useWizardStore } from '../../../src-renderer/src/stores/wizard.js';
import { BASIC_CHECKPOINT, BASIC_DATASET, BASIC_MODEL, listConfigsReply } from './wizard-template.js';
import { aRun, TableTransport, withTransport } from './support.js';

let t: TableTransport;
beforeEach(() => {
  t = new TableTransport();
  withTransport(t);
});

describe('wizard store', () => {
  it('turns the defaults (the default config file\'s values) into overrides that leave epochs/steps to the scale', () => {
    const sets = draftSets(BASIC_DATASET, BASIC_MODEL, '', BASIC_CHECKPOINT);
    expect(sets).toContain('data.source=synthetic');
    expect(sets).toContain('model.hidden_dim=256');
    expect(sets).toContain('task.lr=0.001'); // configs/flow_pretrain_basic.yaml, not a second default in the UI
    expect(sets).toContain('data.resample_hz=auto');
    expect(sets.some((s) => s.startsWith('task.epochs') || s.startsWith('trainer.'))).toBe(false);
    const files = draftSets({ ...BASIC_DATASET, source: 'files', path: ' /d/cwru ' }, BASIC_MODEL, 'task.epochs=3\n# note\n\n', BASIC_CHECKPOINT);
    expect(files).toContain('data.path="/d/cwru"');
    expect(files.at(-1)).toBe('task.epochs=3');
  });

  it('asks the preview for the chosen layout, and for none when it is auto', async () => {
    t.handlers.previewData = () => { throw new Error('no preview in this test'); };
    const w = useWizardStore();
    Object.assign(w.dataset, { source: 'files', path: '/d/cwru', layout: 'CWRU' });
    await w.loadPreview();
    w.dataset.layout = 'auto';
    await w.loadPreview();
    expect(t.calls.map((c) => (c.req as { layout?: string }).layout)).toEqual(['CWRU', undefined]);
  });

  it('resolves and times the model on reaching the scale step, and starts with the same draft on the chosen config', async () => {
    t.handlers.listConfigs = listConfigsReply;
    t.handlers.resolveSpec = () => ({ spec: {}, yaml: 'scale: quick\n', warnings: [], estimates: [] });
    t.handlers.estimateRun = () => ({ msPerStep: 40, setupS: 3, backend: 'native', stepsTimed: 5, estimates: [] });
    t.handlers.startRun = () => ({ id: 'r9' });
    const w = useWizardStore();
    await w.loadTemplates();
    await w.goTo(1);
    expect(t.methods()).toEqual(['listConfigs']);
    await w.goTo(2);
    await new Promise((r) => setTimeout(r, 0));
    expect(t.methods()).toEqual(['listConfigs', 'resolveSpec', 'estimateRun']);
    expect(w.estimate?.msPerStep).toBe(40);
    expect(await w.start()).toBe('r9');
    expect(t.calls[3].req).toEqual(t.calls[1].req);
    expect((t.calls[1].req as { config?: string }).config).toBe('flow_pretrain_basic.yaml');
  });

  it('keeps Next disabled, saying why, until the host has read the folder; a changed path drops the old preview', async () => {
    t.handlers.listConfigs = listConfigsReply;
    t.handlers.previewData = ({ path }) => {
      if (path === '/x') throw new Error('data.path: /x does not exist');
      return { description: 'd', files: 1, classes: {}, domains: {}, datasets: {}, sampleRates: [12000], warnings: [],
        window: { x: [], y: [], xUnit: 's', yUnit: 'a.u.' }, spectrum: { x: [], y: [], xUnit: 'Hz', yUnit: 'a.u.' }, envelope: { x: [], y: [], xUnit: 'Hz', yUnit: 'a.u.' },
        windowOf: { id: 'a.mat', label: 'normal', domain: 'd0', fsHz: 12000 }, recordings: [{ id: 'a.mat', label: 'normal', domain: 'd0', fsHz: 12000, rpm: null }], defects: [], defectNote: '' };
    };
    const w = useWizardStore();
    expect(w.blockedReason).toMatch(/reading the shipped configs/);
    await w.loadTemplates();
    expect(w.canContinue).toBe(true); // the demo needs no path
    w.dataset.source = 'files';
    expect(w.blockedReason).toMatch(/enter the dataset folder/);
    w.dataset.path = '/x';
    expect(w.blockedReason).toMatch(/press Preview/);
    await w.loadPreview();
    expect(w.canContinue).toBe(false);
    expect(w.blockedReason).toContain('/x does not exist');
    w.dataset.path = '/d/cwru';
    await new Promise((r) => setTimeout(r, 0));
    await w.loadPreview();
    expect(w.canContinue).toBe(true);
    expect(w.preview?.windowOf.id).toBe('a.mat');
    w.dataset.path = '/d/other';
    await new Promise((r) => setTimeout(r, 0));
    expect(w.preview).toBeNull(); // never the previous dataset's preview
    expect(w.canContinue).toBe(false);
    w.dataset.source = 'synthetic';
    w.dataset.resample = 'fast';
    expect(w.blockedReason).toMatch(/resample rate "fast" is not valid/);
    w.dataset.resample = '12000';
    expect(w.sets).toContain('data.resample_hz=12000');
    await w.goTo(1);
    w.model.lr = 0;
    expect(w.blockedReason).toMatch(/learning rate 0 is out of range/);
  });

  it('label conditioning follows the config (the basic config conditions on label) and the toggle adds or removes "label"', async () => {
    t.handlers.listConfigs = listConfigsReply;
    const w = useWizardStore();
    await w.loadTemplates();
    expect(w.labelConditioning).toBe(true);
    expect(w.sets).toContain('model.conditions=["domain","dataset","label"]');
    w.labelConditioning = false;
    expect(w.sets).toContain('model.conditions=["domain","dataset"]');
    w.labelConditioning = true;
    expect(w.sets).toContain('model.conditions=["domain","dataset","label"]');
  });

  it('shows host errors when a start is refused', async () => {
    t.handlers.listConfigs = listConfigsReply;
    t.handlers.startRun = () => {
      throw new Error('data.path: /x does not exist');
    };
    const w = useWizardStore();
    await w.loadTemplates();
    expect(await w.start()).toBeNull();
    expect(w.error).toContain('/x does not exist');
  });
});

describe('live store', () => {
  it('follows only the watched run: series, progress, recovery markers, the end', async () => {
    t.handlers.getRun = ({ id }) => ({ run: aRun(id, { status: 'running' }), metrics: [], events: [], checkpoints: [], config: {} });
    t.handlers.getMetrics = ({ id }) => ({ id, series: [] });
    t.handlers.getRunProgress = ({ id }) => ({ id, phase: 'loading', step: 0, totalSteps: null, epoch: null, epochs: null, etaS: null, since: 't', preview: null });
    const live = useLiveStore();
    live.listen();
    await live.open('r1');
    expect(live.phase).toBe('loading');
    t.emit({ event: 'started', run_id: 'r1', step: 0, backend: 'wasm', total_steps: 100, epochs: 5 });
    expect(live.phase).toBe('training');
    t.emit({ event: 'step', run_id: 'r1', step: 10, flow_loss: 2, lr: 1e-4, grad_norm: 0.5, eta_s: 30, total_steps: 100 });
    t.emit({ event: 'step', run_id: 'other', step: 20, flow_loss: 9 });
    t.emit({ event: 'step', run_id: 'r1', step: 10, flow_loss: 7 }); // a duplicate step is dropped
    t.emit({ event: 'recovery', run_id: 'r1', step: 12, kind: 'nan_loss', outcome: 'rolled back' });
    t.emit({ event: 'step', run_id: 'r1', step: 20, flow_loss: Number.NaN });
    expect(live.series.flow_loss).toMatchObject({ step: [10, 20], value: [2, null] });
    expect(live.series.flow_loss!.t).toHaveLength(2);
    expect(live.progress).toMatchObject({ step: 20, totalSteps: 100 });
    expect(live.timeline.filter((x) => x.marker).map((x) => x.kind)).toEqual(['recovery: nan_loss']);
    t.emit({ event: 'finished', run_id: 'r1', step: 20, status: 'failed', reason: 'engine process ended unexpectedly' });
    expect(live.status).toBe('failed');
    expect(live.running).toBe(false);
    expect(live.reason).toContain('unexpectedly');
  });

  it('backfills recorded metrics when opening a run that is already going', async () => {
    t.handlers.getRun = ({ id }) => ({
      run: aRun(id, { status: 'running' }), metrics: [], checkpoints: [], config: {},
      events: [{ step: 5, kind: 'grad_spike', details: {}, outcome: 'skipped batch', time: 't' }],
    });
    t.handlers.getMetrics = ({ id }) => ({ id, series: [{ name: 'flow_loss', scope: 'step', step: [1, 2], value: [3, 2.5], t: [1000, 2000] }] });
    const preview = { event: 'preview', run_id: 'r2', step: 2, time: 't', real: [{ x: [0, 1], y: [1, 2] }], generated: [], real_spectra: [], generated_spectra: [], time_unit: 's', freq_unit: 'Hz', sample_steps: 10, seconds: 0.1 };
    t.handlers.getRunProgress = ({ id }) => ({ id, phase: 'training', step: 2, totalSteps: 40, epoch: 1, epochs: 4, etaS: 12, since: 't', preview });
    const live = useLiveStore();
    live.listen();
    await live.open('r2');
    // The reopened run's tiles and preview come from the history, before any live event.
    expect(live.progress).toEqual({ step: 2, totalSteps: 40, epoch: 1, epochs: 4 });
    expect(live.latest.eta_s).toBe(12);
    expect(live.preview?.step).toBe(2);
    expect(live.preview?.real).toEqual([{ x: [0, 1], y: [1, 2] }]);
    t.emit({ event: 'step', run_id: 'r2', step: 2, flow_loss: 99 });
    t.emit({ event: 'step', run_id: 'r2', step: 3, flow_loss: 2 });
    expect(live.series.flow_loss.value).toEqual([3, 2.5, 2]);
    expect(live.timeline[0]).toMatchObject({ kind: 'grad_spike', marker: true });
  });
});

describe('live store: stop', () => {
  it('a Stop the host answers "not running here" (the run ended meanwhile) does not leave it stopping', async () => {
    t.handlers.getRun = ({ id }) => ({ run: aRun(id, { status: 'running' }), metrics: [], events: [], checkpoints: [], config: {} });
    t.handlers.getMetrics = ({ id }) => ({ id, series: [] });
    t.handlers.getRunProgress = ({ id }) => ({ id, phase: 'training', step: 3, totalSteps: 9, epoch: 1, epochs: 3, etaS: 4, since: 't', preview: null });
    t.handlers.stopRun = ({ id }) => ({ id, stopping: false });
    const live = useLiveStore();
    await live.open('r1');
    await live.stop();
    expect(live.stopping).toBe(false);
    t.handlers.stopRun = ({ id }) => ({ id, stopping: true });
    await live.stop();
    expect(live.stopping).toBe(true);
    expect(live.latest.eta_s).toBeNull();
  });
});

describe('runs store (history)', () => {
  it('searches, sorts, selects for compare, archives and deletes', async () => {
    let rows = [aRun('a1', { dataSource: '/d/cwru', bestFlowLoss: 0.2 }), aRun('b2', { bestFlowLoss: 0.9, status: 'failed' }), aRun('c3', { bestFlowLoss: null })];
    t.handlers.listRuns = () => ({ runs: rows });
    t.handlers.archiveRun = ({ id, archived }) => ((rows = rows.filter((r) => r.id !== id)), { id, archived });
    t.handlers.deleteRun = ({ id }) => ((rows = rows.filter((r) => r.id !== id)), { id, deleted: true, folder: `/runs/${id}`, folderRemoved: false });
    const runs = useRunsStore();
    await runs.refresh();
    runs.search = 'CWRU';
    expect(runs.visibleRuns.map((r) => r.id)).toEqual(['a1']);
    runs.search = '';
    // Losses sort best (lowest) first on the first click; a run with no loss yet goes last either way.
    runs.sortBy('bestFlowLoss');
    expect(runs.visibleRuns.map((r) => r.id)).toEqual(['a1', 'b2', 'c3']);
    runs.sortBy('bestFlowLoss');
    expect(runs.visibleRuns.map((r) => r.id)).toEqual(['b2', 'a1', 'c3']);
    runs.sortBy('createdAt');
    expect(runs.sortDesc).toBe(true);
    runs.toggleCompare('a1');
    runs.toggleCompare('b2');
    runs.toggleCompare('a1');
    expect(runs.compareIds).toEqual(['b2']);
    await runs.archive('c3');
    expect(runs.runs.map((r) => r.id)).toEqual(['a1', 'b2']);
    await runs.remove('b2', true);
    expect(t.calls.find((c) => c.method === 'deleteRun')?.req).toEqual({ id: 'b2', removeFolder: true });
    expect(runs.removedNote).toContain('/runs/b2 is still on disk');
    expect(runs.compareIds).toEqual([]);
    expect(runs.runs.map((r) => r.id)).toEqual(['a1']);
    runs.showArchived = true;
    await runs.refresh();
    expect(t.calls.at(-1)?.req).toMatchObject({ includeArchived: true });
  });
});

describe('compare store', () => {
  it('shows only differing config keys and best/last per run', async () => {
    const cfg = (h: number) => ({ model: { hidden_dim: h, sampler: 'euler' }, task: { epochs: 3 } });
    t.handlers.getRun = ({ id }) => ({
      run: aRun(id), events: [], checkpoints: [], config: cfg(id === 'a' ? 64 : 128),
      metrics: [{ name: 'flow_loss', scope: 'step', count: 2, lastStep: 2, last: id === 'a' ? 1 : 2, min: 0.5, max: 3 }],
    });
    t.handlers.getMetrics = ({ id }) => ({ id, series: [] });
    const c = useCompareStore();
    await c.load(['a', 'b']);
    expect(c.diff).toEqual([{ key: 'model.hidden_dim', values: [64, 128] }]);
    expect(c.table).toEqual([{ name: 'flow_loss', cells: [{ best: 0.5, last: 1 }, { best: 0.5, last: 2 }] }]);
  });
});

describe('pure helpers', () => {
  it('flatten / diffConfigs treat arrays as values and missing keys as differences', () => {
    expect(flatten({ a: { b: [1, 2] }, c: null })).toEqual({ 'a.b': [1, 2], c: null });
    expect(diffConfigs([{ a: [1] }, { a: [1], b: 2 }])).toEqual([{ key: 'b', values: [undefined, 2] }]);
  });

  it('figureCsv writes long-form rows with quoted labels and empty cells for gaps', () => {
    const csv = figureCsv({ id: 'f', title: 'T', xLabel: 'step (–)', yLabel: 'loss (MSE, a.u.)', runIds: ['r'], traces: [{ name: 'r', x: [1, 2], y: [0.5, null] }] });
    expect(csv).toBe('series,step (–),"loss (MSE, a.u.)"\nr,1,0.5\nr,2,\n');
  });
});
