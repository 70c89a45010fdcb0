// @vitest-environment happy-dom
/** Pause / continue and the preview panel on the dashboard; the wizard's balancing, network and layout controls. */
import { mount } from '@vue/test-utils';
import { beforeEach, describe, expect, it } from 'vitest';
import DashboardView from '../../../src-renderer/src/dashboard/DashboardView.vue';
import PreviewPanel from '../../../src-renderer/src/dashboard/PreviewPanel.vue';
import DatasetStep from '../../../src-renderer/src/wizard/DatasetStep.vue';
import ModelStep from '../../../src-renderer/src/wizard/ModelStep.vue';
import ScaleStep from '../../../src-renderer/src/wizard/ScaleStep.vue';
import { overlayFigure } from '../../../src-renderer/src/lib/figures.js';
import { useLiveStore } from '../../../src-renderer/src/stores/live.js';
import { toPreview } from '../../../src-renderer/src/stores/preview-data.js';
import { draftSets, useWizardStore } from '../../../src-renderer/src/stores/wizard.js';
import { BASIC_CHECKPOINT as CK, BASIC_DATASET as DEFAULT_DATASET, BASIC_MODEL as DEFAULT_MODEL, listConfigsReply } from './wizard-template.js';
import { transportKey } from '../../../src-renderer/src/transport/transport.js';
import { aRun, TableTransport, withTransport } from './support.js';

const stubs = {
  Chart: { props: ['figure'], template: '<div class="chart-stub" :data-id="figure.id" :data-traces="figure.traces.length" />' },
  ChartControls: { template: '<div />' },
};
type Progress = { phase: 'loading' | 'training' | 'paused' | 'ended'; step?: number };
const progressOf = (id: string, p: Progress) => ({ id, step: 0, totalSteps: 24, epoch: null, epochs: 3, etaS: null, since: new Date(Date.now() - 5000).toISOString(), preview: null, ...p });
const tick = () => new Promise((r) => setTimeout(r, 0));
const curve = (n: number, v: number) => ({ x: Array.from({ length: n }, (_, i) => i), y: Array.from({ length: n }, () => v) });
const previewEvent = (step: number) => ({
  event: 'preview' as const, run_id: 'r1', step, real: [curve(4, 1), curve(4, 2)], generated: [curve(4, 3), { x: [0, 1], y: [null, 5] }],
  real_spectra: [curve(3, 1)], generated_spectra: [curve(3, 2)], time_unit: 's', freq_unit: 'Hz', sample_steps: 10, seconds: 0.02,
});

let t: TableTransport;
beforeEach(() => {
  t = new TableTransport({
    getRun: ({ id }) => ({ run: aRun(id, { status: 'running', active: true }), metrics: [], events: [], checkpoints: [], config: {} }),
    getMetrics: ({ id }) => ({ id, series: [] }),
    pauseRun: ({ id }) => ({ id, sent: true }),
    continueRun: ({ id }) => ({ id, sent: true }),
    getRunProgress: ({ id }) => progressOf(id, { phase: 'training' }),
    stopRun: ({ id }) => ({ id, stopping: true }),
  });
});

describe('live store: pause, continue, preview', () => {
  it('asks the host to pause, shows paused only once the engine confirms, and continues', async () => {
    withTransport(t);
    const live = useLiveStore();
    live.listen();
    await live.open('r1');
    await live.setPaused(true);
    expect(t.calls.at(-1)).toEqual({ method: 'pauseRun', req: { id: 'r1' } });
    expect(live.pausing).toBe(true);
    expect(live.paused).toBe(false);
    t.emit({ event: 'paused', run_id: 'r1', step: 6, paused: true });
    expect(live.paused).toBe(true);
    expect(live.pausing).toBe(false);
    t.emit({ event: 'paused', run_id: 'other', step: 1, paused: false });
    expect(live.paused).toBe(true);
    await live.setPaused(false);
    expect(t.calls.at(-1)?.method).toBe('continueRun');
    t.emit({ event: 'paused', run_id: 'r1', step: 6, paused: false });
    expect(live.paused).toBe(false);
    expect(live.timeline.map((i) => i.kind)).toEqual(['paused', 'continued']);
  });

  it('keeps the newest preview, dropping non-finite points', async () => {
    withTransport(t);
    const live = useLiveStore();
    live.listen();
    await live.open('r1');
    expect(live.preview).toBeNull();
    t.emit(previewEvent(200));
    t.emit(previewEvent(400));
    expect(live.preview?.step).toBe(400);
    expect(live.preview?.generated[1]).toEqual({ x: [1], y: [5] });
    expect(live.preview?.freqUnit).toBe('Hz');
  });
});

describe('PreviewPanel and DashboardView', () => {
  it('overlays real and generated windows and spectra', () => {
    const w = mount(PreviewPanel, { props: { preview: toPreview(previewEvent(200) as never), runId: 'r1' }, global: { stubs } });
    const charts = w.findAll('.chart-stub');
    expect(charts.map((c) => c.attributes('data-id'))).toEqual(['preview-windows', 'preview-spectra']);
    expect(charts[0].attributes('data-traces')).toBe('4');
    expect(w.attributes('data-preview-step')).toBe('200');
    const fig = overlayFigure('f', 't', 'x', 'y', [curve(2, 1)], [curve(2, 2)], ['r1'], { yLog: true });
    expect(fig.traces.map((tr) => tr.name)).toEqual(['real 1', 'generated 1']);
    expect(fig.yLog).toBe(true);
  });

  it('shows Pause on a running run and Continue once paused', async () => {
    const pinia = withTransport(t);
    const live = useLiveStore();
    live.listen();
    await live.open('r1');
    const w = mount(DashboardView, { global: { plugins: [pinia], provide: { [transportKey as symbol]: t }, stubs } });
    const button = (text: string) => w.findAll('button').find((b) => b.text() === text);
    expect(button('Continue')).toBeUndefined();
    await button('Pause')!.trigger('click');
    await tick();
    expect(t.methods()).toContain('pauseRun');
    t.emit({ event: 'paused', run_id: 'r1', step: 3, paused: true });
    await tick();
    // One word for the state (not "running paused"), and no ETA while paused.
    expect(w.get('[data-testid="live-status"]').text()).toBe('paused');
    expect(w.get('[data-testid="live-paused"]').text()).toContain('Paused at step');
    expect(w.get('[data-testid="stat-eta"]').text()).toBe('paused');
    await button('Continue')!.trigger('click');
    expect(t.methods().at(-1)).toBe('continueRun');
  });

  it('Stop asks first; confirming stops the run, and the ETA does not stay frozen', async () => {
    const pinia = withTransport(t);
    const live = useLiveStore();
    live.listen();
    await live.open('r1');
    t.emit({ event: 'step', run_id: 'r1', step: 4, flow_loss: 1, eta_s: 90, total_steps: 24 });
    const w = mount(DashboardView, { global: { plugins: [pinia], provide: { [transportKey as symbol]: t }, stubs } });
    const button = (text: string) => w.findAll('button').find((b) => b.text() === text);
    await tick();
    expect(w.get('[data-testid="stat-eta"]').text()).toBe('1m 30s');
    await button('Stop…')!.trigger('click');
    expect(t.methods()).not.toContain('stopRun');
    expect(w.get('[role=alertdialog]').text()).toContain('Stop run r1 now?');
    await button('Keep running')!.trigger('click');
    expect(w.find('[role=alertdialog]').exists()).toBe(false);
    await button('Stop…')!.trigger('click');
    await button('Stop run')!.trigger('click');
    await tick();
    expect(t.methods()).toContain('stopRun');
    expect(w.get('[data-testid="live-status"]').text()).toBe('stopping');
    t.emit({ event: 'step', run_id: 'r1', step: 5, flow_loss: 1, eta_s: 80, total_steps: 24 });
    await tick();
    expect(w.get('[data-testid="stat-eta"]').text()).toBe('stopping');
    t.emit({ event: 'finished', run_id: 'r1', step: 5, status: 'stopped', reason: 'stopped by the user' });
    await tick();
    expect(w.get('[data-testid="live-status"]').text()).toBe('stopped');
    expect(w.get('[data-testid="stat-eta"]').text()).toBe('—');
  });

  it('a run still preparing its data says so, with the time so far, until the engine starts', async () => {
    t.handlers.getRunProgress = ({ id }) => progressOf(id, { phase: 'loading' });
    const pinia = withTransport(t);
    const live = useLiveStore();
    live.listen();
    await live.open('r1');
    const w = mount(DashboardView, { global: { plugins: [pinia], provide: { [transportKey as symbol]: t }, stubs } });
    await tick();
    expect(w.get('[data-testid="live-status"]').text()).toBe('preparing data');
    expect(w.get('[data-testid="live-loading"]').text()).toMatch(/Preparing data.*\(5s so far\)/s);
    expect(w.findAll('button').find((b) => b.text() === 'Pause')!.attributes('disabled')).toBeDefined();
    t.emit({ event: 'started', run_id: 'r1', step: 0, backend: 'wasm', total_steps: 24, epochs: 3 });
    await tick();
    expect(w.find('[data-testid="live-loading"]').exists()).toBe(false);
    expect(w.get('[data-testid="live-status"]').text()).toBe('running');
    expect(w.get('[data-testid="stat-step"]').text()).toBe('0 / 24');
  });
});

describe('wizard: network, balancing and layout', () => {
  it('defaults work (the basic config: dit, fixed, auto) and the choices become overrides', () => {
    const sets = draftSets(DEFAULT_DATASET, DEFAULT_MODEL, '', CK);
    expect(sets).toContain('model.velocity_net=dit');
    expect(sets).toContain('task.balancing=fixed');
    expect(sets.some((s) => s.startsWith('data.layout'))).toBe(false); // the demo has no layout
    const files = draftSets({ ...DEFAULT_DATASET, source: 'files', path: '/d', layout: 'CWRU' }, { ...DEFAULT_MODEL, velocityNet: 'mlp', useContrastive: true, balancing: 'gradnorm' }, '', CK);
    expect(files).toEqual(expect.arrayContaining(['data.layout=CWRU', 'model.velocity_net=mlp', 'task.balancing=gradnorm', 'task.use_contrastive=true']));
    // Balancing without the contrastive branch falls back to fixed (the engine would warn and ignore it).
    expect(draftSets(DEFAULT_DATASET, { ...DEFAULT_MODEL, balancing: 'uncertainty' }, '', CK)).toContain('task.balancing=fixed');
  });

  it('ModelStep enables balancing with the contrastive objective; DatasetStep offers every layout', async () => {
    t.handlers.listConfigs = listConfigsReply;
    const pinia = withTransport(t);
    const wiz = useWizardStore();
    await wiz.loadTemplates();
    const m = mount(ModelStep, { global: { plugins: [pinia] } });
    const balancing = m.get('select[aria-label="Balancing"]');
    expect((balancing.element as unknown as { disabled: boolean }).disabled).toBe(true);
    await m.get('input[aria-label="Contrastive objective"]').setValue(true);
    expect((balancing.element as unknown as { disabled: boolean }).disabled).toBe(false);
    await balancing.setValue('uncertainty');
    await m.get('select[aria-label="Velocity network"]').setValue('dit');
    expect(wiz.sets).toEqual(expect.arrayContaining(['task.balancing=uncertainty', 'model.velocity_net=dit']));

    t.handlers.previewData = () => { throw new Error('no preview here'); };
    wiz.dataset.source = 'files';
    const d = mount(DatasetStep, { global: { plugins: [pinia], stubs } });
    await tick();
    const layout = d.get('select[aria-label="Dataset layout"]');
    expect(layout.findAll('option').map((o) => o.attributes('value'))).toEqual(['auto', 'manifest', 'CWRU', 'XJTU', 'PU', 'HUST', 'IMS', 'PHM-Vibench']);
    await layout.setValue('PHM-Vibench');
    wiz.dataset.path = '/data/vibench';
    expect(wiz.sets).toContain('data.layout=PHM-Vibench');
  });
});

describe('crash safety in the app', () => {
  it('a failed run with no checkpoint offers Restart with the same config (not Resume); one with a checkpoint offers Resume', async () => {
    t.handlers.getRun = ({ id }) => ({ run: aRun(id, { status: 'failed', active: false }), metrics: [], events: [], checkpoints: [], config: {} });
    t.handlers.restartRun = () => ({ id: 'r2' });
    const pinia = withTransport(t);
    const live = useLiveStore();
    live.listen();
    await live.open('r1');
    const w = mount(DashboardView, { global: { plugins: [pinia], provide: { [transportKey as symbol]: t }, stubs } });
    const button = (text: string) => w.findAll('button').find((b) => b.text() === text);
    expect(button('Resume')).toBeUndefined();
    await button('Restart with the same config')!.trigger('click');
    await tick();
    expect(t.calls.find((c) => c.method === 'restartRun')?.req).toEqual({ id: 'r1' });
    expect(live.runId).toBe('r2'); // the dashboard follows the new run

    const ckpt = { step: 6, epoch: 1, path: '/x/step-6.fbckpt', sha256: 'ab'.repeat(32), bytes: 10, kind: 'interval' as const, stable: true, createdAt: '2026-12-04T00:00:00Z' };
    t.handlers.getRun = ({ id }) => ({ run: aRun(id, { status: 'failed', active: false }), metrics: [], events: [], checkpoints: [ckpt], config: {} });
    await live.open('r3');
    await tick();
    expect(button('Resume')).toBeDefined();
    expect(button('Restart with the same config')).toBeUndefined();
  });

  it('the wizard shows the checkpoint defaults (every epoch, 5 min) and its edits become overrides', async () => {
    expect(draftSets(DEFAULT_DATASET, DEFAULT_MODEL, '', CK)).toEqual(expect.arrayContaining(['task.checkpoint_every_epoch=true', 'task.checkpoint_minutes=5']));
    t.handlers.resolveSpec = () => ({ spec: {}, yaml: '', warnings: [], estimates: [] });
    t.handlers.listConfigs = listConfigsReply;
    const pinia = withTransport(t);
    const wiz = useWizardStore();
    await wiz.loadTemplates();
    const w = mount(ScaleStep, { global: { plugins: [pinia] } });
    const every = w.get('input[aria-label="Checkpoint every epoch"]');
    expect((every.element as unknown as { checked: boolean }).checked).toBe(true);
    expect((w.get('input[aria-label="Checkpoint minutes"]').element as unknown as { value: string }).value).toBe('5');
    await every.setValue(false);
    await w.get('input[aria-label="Checkpoint minutes"]').setValue(0);
    expect(wiz.sets).toEqual(expect.arrayContaining(['task.checkpoint_every_epoch=false', 'task.checkpoint_minutes=0']));
    expect(w.get('[role="alert"]').text()).toMatch(/a crash loses the whole run/);
  });
});
