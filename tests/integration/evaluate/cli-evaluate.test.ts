/**
 * `flowbench evaluate` and `flowbench pipeline` through the real CLI on a tiny CWRU run
 * (256-sample windows, hidden 64, a few steps): report files, quality rows in SQLite, the
 * JSON nesting by protocol, no overlap between probe train and test windows, and the
 * pipeline's two linked runs.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../../src-main/store/index.js';
import { jsonLines, repoRoot, runCli, tempHome } from '../../support/cli.js';
import { cwruDir, hasCwru } from '../../support/data.js';

const TINY = [
  '--set', 'data.window_length=256', '--set', 'data.stride=256', '--set', 'model.hidden_dim=64', '--set', 'model.sample_steps=8',
  '--set', 'task.epochs=2', '--set', 'trainer.steps_per_epoch=5', '--set', 'data.max_windows_per_file=40',
];

type Leaf = { value: number; protocol: string; split: string; seed: number; ci95?: number; [k: string]: unknown };

describe.skipIf(!hasCwru)('flowbench evaluate on a tiny CWRU run', () => {
  it('writes the report, nests results by protocol and stores every score', async () => {
    const home = tempHome();
    const train = await runCli(['train', '--config', 'configs/flow_pretrain_reference_mlp.yaml', '--scale', 'quick', '--data', cwruDir, ...TINY, '--json'], { home, timeoutMs: 240_000 });
    expect(train.code, train.stderr).toBe(0);
    const runId = jsonLines(train.stdout)[0]!.run_id as string;

    const bad = await runCli(['evaluate', runId, '--guidance-scale', '200'], { home, timeoutMs: 60_000 });
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/--guidance-scale 200 is out of range; valid: 0 to 100/);

    const res = await runCli(['evaluate', runId, '--scale', 'quick', '--episodes', '30', '--guidance-scale', '1.5', '--json'], { home, timeoutMs: 240_000 });
    expect(res.code, res.stderr).toBe(0);
    const events = jsonLines(res.stdout);
    const last = events[events.length - 1] as { event: string; report_path: string; quality_rows: number };
    expect(events[events.length - 2]!.event).toBe('finished');
    expect(last.event).toBe('report');
    const sections = events.filter((e) => e.event === 'evaluation').map((e) => e.section);
    expect(sections).toEqual(expect.arrayContaining(['setup', 'linear_probe', 'few_shot', 'cross_condition', 'baselines', 'anomaly', 'generation']));

    // Files: JSON, Markdown and the data behind the figures, under <run dir>/evaluation/<timestamp>/.
    const dir = path.dirname(last.report_path);
    expect(dir).toContain(path.join(runId, 'evaluation'));
    expect(existsSync(path.join(dir, 'report.md'))).toBe(true);
    const figures = readdirSync(path.join(dir, 'figures'));
    expect(figures).toEqual(expect.arrayContaining(['scores.csv', 'generation_cells.csv', 'generation_vs_controls.csv']));
    const report = JSON.parse(readFileSync(last.report_path, 'utf8')) as Record<string, Record<string, unknown>>;
    // The evaluated checkpoint's validation loss feeds the Targets table; guidance 1.5 is not the target's 1.
    expect(report.training!.val_flow_loss).toEqual(expect.any(Number));
    const md = readFileSync(path.join(dir, 'report.md'), 'utf8');
    expect(md).toMatch(/\| validation flow loss ≤ 1\.25 \(the evaluated checkpoint\) \| \d\.\d{4} \| 1\.2500 \| (met|\*\*missed by [\d.]+\*\*) \|/);
    expect(md).toContain('| conditional generation accuracy ≥ 0.90 (at guidance 1) | — | — | evaluated at guidance 1.5, the target is at 1 |');

    const lp = report.linear_probe!.accuracy as Leaf;
    expect(lp.value).toBeGreaterThanOrEqual(0);
    expect(lp.value).toBeLessThanOrEqual(1);
    expect(lp.classes).toBe(10);
    expect(lp.split).toMatch(/segment/);
    expect(lp.seed).toBe(42);
    // Probe train and test windows never share a sample.
    expect(lp.overlapping_windows).toBe(0);
    expect((report.linear_probe!.accuracy_4class as Leaf).classes).toBe(4);
    // Readout chosen on the training split only; an mlp trunk offers only the mean readout.
    const readout = report.readout as Record<string, { chosen_on: string; probe: { readout: string; C: number } }>;
    expect(readout.pretrained!.chosen_on).toMatch(/training split only/);
    expect(readout.random_init!.probe.readout).toBe('mean');
    expect(lp.readout).toBe('mean');
    expect([0.01, 0.1, 1, 10]).toContain(lp.C);
    const fs = report.few_shot!.accuracy as Leaf;
    expect(fs).toMatchObject({ episodes: 30, way: 4, shot: 5 });
    expect(fs.ci95).toBeGreaterThan(0);
    expect(typeof (report.anomaly!.auroc as Leaf).value).toBe('number');
    expect(typeof (report.anomaly!.auroc_knn as Leaf).value).toBe('number');
    // The flow-loss profile scored against normal training windows only, with the random-init twin beside it.
    const profile = report.anomaly!.auroc_flow_profile_knn as Leaf;
    expect(profile.value).toBeGreaterThanOrEqual(0);
    expect(profile.value).toBeLessThanOrEqual(1);
    expect(profile.n_reference_normal).toBeGreaterThanOrEqual(6);
    expect(profile.reference).toMatch(/normal windows of the training split only/);
    expect(typeof profile.random_init_value).toBe('number');
    const baselines = report.baselines as Record<string, Record<string, Record<string, Leaf>>>;
    expect(typeof baselines.random_init!.few_shot!.accuracy!.value).toBe('number');
    expect(typeof baselines.supervised!.few_shot!.accuracy!.value).toBe('number');
    // The hand-crafted log-PSD reference under the same protocols.
    expect(baselines.log_psd!.linear_probe!.accuracy!.classes).toBe(10);
    expect(baselines.log_psd!.few_shot!.accuracy).toMatchObject({ way: 4, shot: 5, norm: 'zscore' });
    expect((report.cross_condition!.accuracy as Leaf).from).toBe('load_0HP');
    const gen = report.generation as Record<string, Leaf | string>;
    expect(gen.guidance_scale).toBe(1.5);
    expect(gen.sampler).toMatch(/guidance 1\.5/);
    const mmd = gen.mmd2_windows as Leaf;
    expect(Object.keys(mmd.controls as object).sort()).toEqual(['phase_random', 'real_vs_real', 'white_noise']);
    expect(mmd.p_value).toBeGreaterThan(0);
    // This run has no label condition: said plainly, not faked.
    expect(gen.conditional_accuracy).toMatch(/^not available/);

    // Every score in SQLite, with protocol, seed and CI where the protocol has one.
    const store = openStore(path.join(home, 'flowbench.sqlite'));
    try {
      const rows = store.quality.forRun(runId);
      expect(rows.length).toBe(last.quality_rows);
      const byMetric = new Map(rows.map((r) => [r.metric, r]));
      expect(byMetric.get('linear_probe.accuracy')!.value).toBeCloseTo(lp.value, 10);
      const f = byMetric.get('few_shot.accuracy')!;
      expect(f.ciLow).toBeCloseTo(fs.value - fs.ci95!, 10);
      expect(f.ciHigh).toBeCloseTo(fs.value + fs.ci95!, 10);
      expect(f.protocol).toBe(fs.protocol);
      expect(f.seed).toBe(42);
      expect(f.checkpointId).not.toBeNull();
      expect(byMetric.has('baselines.supervised.few_shot.accuracy')).toBe(true);
      expect(byMetric.has('generation.feature_ks')).toBe(true);
    } finally {
      store.close();
    }
  }, 480_000);

  it('pipeline: stage 1 pretraining and stage 2 few-shot fine-tuning, linked in the history', async () => {
    const home = tempHome();
    const cfg = path.join(home, 'pipeline.yaml');
    writeFileSync(cfg, [
      'name: tiny_pipeline',
      'stage1:',
      `  config: ${path.join(repoRoot, 'configs', 'flow_pretrain_reference_mlp.yaml')}`,
      '  scale: quick',
      `  set: [${TINY.filter((_, i) => i % 2 === 1).map((s) => JSON.stringify(s)).join(', ')}]`,
      'stage2: {way: 5, shot: 5, query: 15, train_episodes: 4, eval_episodes: 20, lr: 1.0e-4, max_windows_per_file: 120}',
    ].join('\n'));
    const res = await runCli(['pipeline', '--config', cfg, '--data', cwruDir, '--json'], { home, timeoutMs: 300_000 });
    expect(res.code, res.stderr).toBe(0);
    const events = jsonLines(res.stdout);
    const summary = events[events.length - 1] as Record<string, unknown>;
    expect(summary.event).toBe('pipeline');
    expect(summary.way).toBe(4); // CWRU has 4 classes: 5-way is capped, and the log says so
    expect(events.some((e) => e.event === 'log' && /4-way: the data has 4 classes that fit \(5-way asked\)/.test(String(e.message)))).toBe(true);
    const store = openStore(path.join(home, 'flowbench.sqlite'));
    try {
      const s1 = store.runs.get(summary.stage1_run_id as string)!;
      const s2 = store.runs.get(summary.stage2_run_id as string)!;
      expect(s1.status).toBe('completed');
      expect(s2.status).toBe('completed');
      expect(s2.parentRunId).toBe(s1.id);
      expect(store.checkpoints.forRun(s2.id).length).toBe(1);
      const q = store.quality.forRun(s2.id).map((r) => r.metric);
      expect(q).toEqual(expect.arrayContaining(['few_shot.accuracy', 'few_shot.accuracy_before_finetune']));
    } finally {
      store.close();
    }
  }, 480_000);
});
