import { createPinia } from 'pinia';
// @vitest-environment happy-dom
import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import RunDetail from '../../../src-renderer/src/history/RunDetail.vue';
import RunTable from '../../../src-renderer/src/history/RunTable.vue';
import StatTiles from '../../../src-renderer/src/dashboard/StatTiles.vue';
import WizardView from '../../../src-renderer/src/wizard/WizardView.vue';
import { listConfigsReply } from './wizard-template.js';
import { transportKey } from '../../../src-renderer/src/transport/transport.js';
import { aRun, TableTransport, withTransport } from './support.js';

// plotly needs a real browser; the chart itself is covered by the e2e suite.
const stubs = { Chart: { template: '<div class="chart-stub" />' }, ChartControls: { template: '<div />' } };

describe('RunTable', () => {
  it('renders each run with status, dataset and best/last metrics, and emits sort, select, compare', async () => {
    const w = mount(RunTable, {
      props: { runs: [aRun('r1', { dataSource: '/data/cwru', status: 'failed', name: 'baseline', model: 'dit 128', params: { lr: 3e-4, batch: 16, seed: 7 } })], selectedId: null, compareIds: [], sortKey: 'createdAt', sortDesc: true },
    });
    const row = w.get('tr[data-run-id="r1"]');
    expect(row.text()).toContain('failed');
    expect(row.text()).toContain('cwru');
    expect(row.text()).toContain('0.5000');
    // Name, model and key-parameter columns.
    for (const cell of ['baseline', 'dit 128', '0.0003', '16', '7']) expect(row.findAll('td').map((td) => td.text())).toContain(cell);
    await w.findAll('button.sort').find((b) => b.text() === 'Status')!.trigger('click');
    await row.get('button.link').trigger('click');
    await row.get('input[type=checkbox]').trigger('change');
    expect(w.emitted('sort')).toEqual([['status']]);
    expect(w.emitted('select')).toEqual([['r1']]);
    expect(w.emitted('toggleCompare')).toEqual([['r1']]);
  });
});

describe('RunDetail', () => {
  const detail = { run: aRun('r1'), metrics: [], events: [], checkpoints: [], config: {} };

  it('deletes only after confirmation', async () => {
    const w = mount(RunDetail, { props: { detail, lossSeries: [] }, global: { stubs, plugins: [createPinia()] } });
    await w.findAll('button').find((b) => b.text() === 'Delete…')!.trigger('click');
    expect(w.emitted('remove')).toBeUndefined();
    expect(w.get('[role=alertdialog]').text()).toContain('Delete run r1');
    await w.findAll('button').find((b) => b.text() === 'Cancel')!.trigger('click');
    expect(w.find('[role=alertdialog]').exists()).toBe(false);
    await w.findAll('button').find((b) => b.text() === 'Delete…')!.trigger('click');
    await w.get('button.danger').trigger('click');
    // The folder stays unless the user ticks the box.
    expect(w.emitted('remove')).toEqual([['r1', false]]);
    await w.findAll('button').find((b) => b.text() === 'Delete…')!.trigger('click');
    expect(w.get('[role=alertdialog]').text()).toContain('also remove its run folder');
    await w.get('[role=alertdialog] input[type=checkbox]').setValue(true);
    await w.get('button.danger').trigger('click');
    expect(w.emitted('remove')).toEqual([['r1', false], ['r1', true]]);
  });

  it('cannot delete a run that is running', () => {
    const w = mount(RunDetail, { props: { detail: { ...detail, run: aRun('r1', { active: true }) }, lossSeries: [] }, global: { stubs, plugins: [createPinia()] } });
    expect(w.findAll('button').find((b) => b.text() === 'Delete…')!.attributes('disabled')).toBeDefined();
  });
});

describe('StatTiles', () => {
  it('shows progress, ETA and memory, with dashes for unknowns', () => {
    const w = mount(StatTiles, { props: { latest: { eta_s: 75, rss_mb: 501.6, lr: null }, progress: { step: 40, totalSteps: 100, epoch: 2, epochs: 5 } } });
    expect(w.text()).toContain('40 / 100');
    expect(w.text()).toContain('1m 15s');
    expect(w.text()).toContain('502 MB');
    expect(w.text()).toContain('—');
  });
});

describe('WizardView', () => {
  it('walks dataset → model → scale → review and starts the run it shows', async () => {
    const t = new TableTransport({
      listConfigs: listConfigsReply,
      estimateRun: () => ({ msPerStep: 50, setupS: 2, backend: 'wasm', stepsTimed: 5, estimates: [{ scale: 'quick', epochs: 20, stepsPerEpoch: 50, totalSteps: 1000, seconds: 52, basis: 'timed' }] }),
      previewData: () => { throw new Error('preview unavailable in this test'); },
      resolveSpec: ({ scale }) => ({ spec: {}, yaml: `scale: ${scale}\n`, warnings: [], estimates: [{ scale: 'quick', epochs: 20, stepsPerEpoch: 50, totalSteps: 1000, seconds: 60, basis: 'b' }] }),
      startRun: () => ({ id: 'new-run' }),
    });
    const pinia = withTransport(t);
    const w = mount(WizardView, { global: { plugins: [pinia], provide: { [transportKey as symbol]: t }, stubs } });
    const next = () => w.findAll('button').find((b) => b.text() === 'Next')!.trigger('click');
    await new Promise((r) => setTimeout(r, 0));
    await next();
    expect(w.text()).toContain('Hidden width');
    await next();
    await new Promise((r) => setTimeout(r, 0));
    expect(w.text()).toContain('20 epochs × 50 steps');
    expect(w.get('[data-testid="estimate-quick"]').text()).toBe('≈ 52s'); // the timed estimate, not a model of it
    await next();
    await new Promise((r) => setTimeout(r, 0));
    expect(w.get('pre').text()).toBe('scale: quick');
    await w.findAll('button').find((b) => b.text() === 'Start run')!.trigger('click');
    await new Promise((r) => setTimeout(r, 0));
    expect(w.emitted('started')).toEqual([['new-run']]);
    expect(t.methods()).toEqual(['listConfigs', 'previewData', 'resolveSpec', 'estimateRun', 'resolveSpec', 'startRun']);
  });
});
