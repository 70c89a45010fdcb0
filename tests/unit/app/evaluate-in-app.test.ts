/**
 * The app's Evaluate and Sample and the wizard's measured estimate, through the API handlers
 * and a real job manager: real engine processes, a real SQLite file, real report files.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../../src-main/engine/protocol/index.js';
import { createApiHandlers, type ApiHandlers } from '../../../src-main/host/app/api-handlers.js';
import { scoresOfReport } from '../../../src-main/host/evaluate/evaluation-scores.js';
import { resolveDraft } from '../../../src-main/host/app/run-draft.js';
import { timingSpec } from '../../../src-main/host/app/step-timing.js';
import { closeJobFixture, openJobFixture, type JobFixture } from './job-fixture.js';

const TINY = ['data.window_length=256', 'data.stride=128', 'model.hidden_dim=64', 'trainer.steps_per_epoch=4', 'task.epochs=2', 'trainer.log_every_n_steps=1', 'data.max_windows_per_file=8'];

const leaf = (value: number, extra: Record<string, unknown> = {}) => ({ value, protocol: 'p', higher_is_better: true, ...extra });

describe('scoresOfReport', () => {
  it('folds each baseline beside the score it mirrors and flags those that beat the model', () => {
    const scores = scoresOfReport({
      setup: { step: 1 },
      linear_probe: { accuracy: leaf(0.6) },
      few_shot: { accuracy: leaf(0.8) },
      baselines: {
        log_psd: { linear_probe: { accuracy: leaf(0.9) }, few_shot: { accuracy: leaf(0.7) } },
        random_init: { linear_probe: { accuracy: leaf(0.5) } },
      },
    });
    const probe = scores.find((s) => s.metric === 'linear_probe.accuracy')!;
    expect(probe.against).toEqual([
      { name: 'baseline log_psd', kind: 'baseline', value: 0.9, beatsModel: true },
      { name: 'baseline random_init', kind: 'baseline', value: 0.5, beatsModel: false },
    ]);
    expect(scores.find((s) => s.metric === 'few_shot.accuracy')!.against).toEqual([{ name: 'baseline log_psd', kind: 'baseline', value: 0.7, beatsModel: false }]);
    expect(scores.some((s) => s.metric.startsWith('baselines.'))).toBe(false);
  });

  it('flags a negative control that scores better on a lower-is-better metric; real_vs_real is a reference, never flagged', () => {
    const [s] = scoresOfReport({
      generation: { mmd2: leaf(0.5, { higher_is_better: false, controls: { real_vs_real: 0.01, white_noise: 0.9, phase_random: 0.2 } }) },
    });
    expect(s.higherIsBetter).toBe(false);
    expect(s.against).toEqual([
      { name: 'control white_noise', kind: 'control', value: 0.9, beatsModel: false },
      { name: 'control phase_random', kind: 'control', value: 0.2, beatsModel: true },
      { name: 'reference real_vs_real', kind: 'reference', value: 0.01, beatsModel: false },
    ]);
  });
});

describe('timingSpec', () => {
  it('keeps the model, objective and batch of a run on files, and times it on synthetic windows of its shape without checkpoints', () => {
    const { spec } = resolveDraft({ scale: 'full', sets: ['data.source=files', 'data.path=/data/cwru', 'model.velocity_net=dit', 'task.use_contrastive=true', 'task.batch_size=64', 'data.window_length=2048'] }, process.cwd());
    const t = timingSpec(spec, 5);
    expect(t.model).toEqual(spec.model);
    expect([t.task.use_contrastive, t.task.batch_size, t.data.window_length]).toEqual([true, 64, 2048]);
    expect([t.data.source, t.data.path, t.trainer.max_steps, t.trainer.steps_per_epoch, t.task.epochs]).toEqual(['synthetic', null, 5, 5, 1]);
    expect([t.task.checkpoint_every_epoch, t.task.checkpoint_minutes, t.task.checkpoint_interval, t.trainer.preview_every_n_steps]).toEqual([false, 0, 0, 0]);
    // Each synthetic recording holds at least half a batch of windows.
    expect(t.data.synthetic.seconds * t.data.synthetic.fs_hz).toBeGreaterThanOrEqual((64 * 2048) / 2);
  });
});

// Real engine processes: slow when the suite shares two cores.
describe('evaluate, sample and estimate through the API', { timeout: 300_000 }, () => {
  let fx: JobFixture;
  let api: ApiHandlers;
  let runId: string;

  beforeAll(async () => {
    fx = openJobFixture('flowbench-eval-app-');
    api = createApiHandlers(fx.store, { jobs: fx.jobs, cwd: process.cwd() });
    runId = await fx.jobs.startRun(resolveDraft({ scale: 'quick', sets: TINY }, process.cwd()).spec);
    expect((await fx.jobs.whenFinished(runId))?.status).toBe('completed');
  }, 300_000);
  afterAll(() => closeJobFixture(fx));

  it('evaluates a finished run, reporting each section as it ends, and serves the scores', async () => {
    expect((await api.getEvaluationScores({ id: runId })).report).toBeNull();
    const progress: EngineEvent[] = [];
    const off = fx.jobs.onEvent((e) => progress.push(e));
    const r = await api.evaluateRun({ id: runId, scale: 'quick', sections: ['generation'] });
    off();
    expect(existsSync(r.reportPath)).toBe(true);
    expect(r.qualityRows).toBeGreaterThan(0);
    expect(progress.map((e) => e.event === 'evaluation' && e.section)).toContain('generation');
    expect(progress.every((e) => e.event === 'evaluation' && e.run_id === runId)).toBe(true);
    const { report } = await api.getEvaluationScores({ id: runId });
    expect(report?.path).toBe(r.reportPath);
    const mmd = report!.scores.find((s) => s.metric.startsWith('generation.mmd2'));
    expect(mmd?.against.map((a) => a.name)).toEqual(['control white_noise', 'control phase_random', 'reference real_vs_real']);
    await expect(api.evaluateRun({ id: runId, scale: 'quick', sections: ['nonsense' as 'generation'] })).rejects.toThrow(/sections/);
  });

  it('samples windows into the run folder, never over an earlier file', async () => {
    const a = await api.sampleRun({ id: runId, count: 3 });
    const b = await api.sampleRun({ id: runId, count: 2 });
    expect(a.path).not.toBe(b.path);
    expect(path.dirname(a.path)).toBe(path.join(fx.store.runs.get(runId)!.workdir, 'samples'));
    expect([a.count, a.windowLength, a.channels]).toEqual([3, 256, 1]);
    expect(a.windows).toHaveLength(3);
    expect(a.windows[0]).toHaveLength(256);
    expect(a.windows[0]!.every(Number.isFinite)).toBe(true);
  });

  it('estimates a draft by timing real steps of its model, and scales the estimate by each scale\'s steps', async () => {
    const e = await api.estimateRun({ scale: 'quick', sets: TINY });
    expect(e.msPerStep).toBeGreaterThan(0);
    expect(e.stepsTimed).toBeGreaterThanOrEqual(2);
    expect(e.backend).not.toBe('unknown');
    const quick = e.estimates.find((x) => x.scale === 'quick')!;
    expect(quick.totalSteps).toBe(8);
    expect(quick.seconds).toBe(Math.round(8 * (e.msPerStep / 1000) + e.setupS));
    expect(quick.basis).toContain('timed on this machine');
  });

  it('lists the shipped configs as wizard templates; a draft starts from one, and an unknown one is refused', async () => {
    const { configs } = await api.listConfigs({});
    const basic = configs.find((c) => c.file === 'flow_pretrain_basic.yaml');
    expect((basic?.spec.task as { lr: number }).lr).toBe(1e-3);
    expect(configs.some((c) => c.file.startsWith('pipeline'))).toBe(false);
    const r = await api.resolveSpec({ scale: 'quick', sets: [], config: 'flow_pretrain_basic.yaml' });
    expect((r.spec.task as { lr: number }).lr).toBe(1e-3);
    await expect(api.resolveSpec({ scale: 'quick', sets: [], config: 'nope.yaml' })).rejects.toThrow(/not one of the shipped configs.*flow_pretrain_basic\.yaml/);
    // The demo preview is generated with the config's data.synthetic (basic: 3 recordings per class and condition).
    const files = (basic!.spec.data as { synthetic: { files_per_class: number } }).synthetic.files_per_class;
    const preview = await api.previewData({ source: 'synthetic', windowLength: 256, config: 'flow_pretrain_basic.yaml' });
    expect(preview.files).toBe(files * 4 * 2);
  });
});
