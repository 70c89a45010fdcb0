/**
 * The evaluation adapts to any labelled dataset instead of assuming CWRU's shape: fewer than
 * four classes (way = classes), one domain (cross-condition skipped with a reason), short test
 * stretches (fewer queries), one recording per class, multichannel recordings at another rate.
 * Real parts: manifest folders of CSV files, a real (tiny) training run and checkpoint, the real
 * evaluation. Each says in the report what it adapted.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runSpecSchema } from '../../../src-main/config/schema.js';
import { initBackend } from '../../../src-main/engine/backend/select-backend.js';
import type { CheckpointEvent, EngineEvent, EvaluationEvent } from '../../../src-main/engine/protocol/index.js';
import { runEvaluation } from '../../../src-main/engine/evaluate/run-evaluation.js';
import { runFewShotFinetune } from '../../../src-main/engine/evaluate/fewshot-finetune.js';
import { runTraining } from '../../../src-main/engine/train/loop.js';

interface Shape {
  classes: string[];
  domains: string[];
  filesPerCell: number;
  seconds: number;
  fs: number;
  channels: number;
  /** Seconds of the first class's recordings (a short class), when given. */
  shortSeconds?: number;
}

/** A manifest folder: per (class, domain, file) a CSV of `channels` columns, class-dependent tones + noise. */
function dataset(tag: string, s: Shape): string {
  const dir = mkdtempSync(path.join(tmpdir(), `flowbench-anydata-${tag}-`));
  const rows = ['path,label,domain,fs_hz,dataset'];
  let seed = 1;
  const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) - 0.5;
  s.classes.forEach((label, ci) => {
    s.domains.forEach((domain, di) => {
      for (let f = 0; f < s.filesPerCell; f++) {
        const name = `${label}_${domain}_${f}.csv`;
        const n = Math.round(s.fs * (ci === 0 && s.shortSeconds ? s.shortSeconds : s.seconds));
        const freq = (0.02 + 0.05 * ci + 0.01 * di) * s.fs;
        const header = Array.from({ length: s.channels }, (_, c) => `ch${c}`).join(',');
        const lines = Array.from({ length: n }, (_, i) =>
          Array.from({ length: s.channels }, (_, c) => (Math.sin((2 * Math.PI * freq * i) / s.fs + c) + 0.3 * rand()).toFixed(5)).join(','));
        writeFileSync(path.join(dir, name), `${header}\n${lines.join('\n')}\n`);
        rows.push(`${name},${label},${domain},${s.fs},rig`);
      }
    });
  });
  writeFileSync(path.join(dir, 'LABELS.csv'), rows.join('\n') + '\n');
  return dir;
}

const BUDGET = { episodes: 12, supervisedEpisodes: 2, supervisedSteps: 5, generatedPerCell: 8, permutations: 10, flowAnomalyPerFile: 4, flowReferencePerFile: 8, logisticIter: 30, cvFolds: 2, cvIter: 20 };
const SECTIONS = ['linear_probe', 'few_shot', 'cross_condition', 'baselines', 'anomaly', 'generation'];

async function trainAndEvaluate(dir: string, model: Record<string, unknown> = {}) {
  const runDir = mkdtempSync(path.join(tmpdir(), 'flowbench-anydata-run-'));
  const spec = runSpecSchema.parse({
    environment: { seed: 3 },
    data: { source: 'files', path: dir, window_length: 128, stride: 128 },
    model: { hidden_dim: 32, time_dim: 16, condition_dim: 8, sample_steps: 4, conditions: ['domain', 'label'], ...model },
    task: { epochs: 1, batch_size: 16, lr: 3e-3 },
    trainer: { steps_per_epoch: 3, preview_every_n_steps: 0 },
  });
  const trainEvents: EngineEvent[] = [];
  const done = await runTraining({ type: 'train', run_id: 'r', spec, run_dir: runDir, cwd: runDir }, (e) => trainEvents.push(e), { stopRequested: false });
  expect(done.status).toBe('completed');
  const ckpt = trainEvents.filter((e): e is CheckpointEvent => e.event === 'checkpoint').at(-1)!;
  const events: EngineEvent[] = [];
  const finished = await runEvaluation(
    { type: 'evaluate', run_id: 'r', checkpoint_path: ckpt.path, scale: 'quick', seed: 42, cwd: runDir, sections: SECTIONS, budget: BUDGET },
    (e) => events.push(e),
  );
  const sections = Object.fromEntries(events.filter((e): e is EvaluationEvent => e.event === 'evaluation').map((e) => [e.section, e.results])) as Record<string, Record<string, unknown>>;
  return { finished, sections, checkpoint: ckpt.path, runDir };
}

beforeAll(async () => {
  await initBackend('wasm');
});

describe('evaluation on datasets not shaped like CWRU', () => {
  it('two classes, one domain, one recording per class: 2-way episodes, cross-condition skipped with the reason', async () => {
    const dir = dataset('2class', { classes: ['healthy', 'worn'], domains: ['run'], filesPerCell: 1, seconds: 0.6, fs: 8000, channels: 1 });
    const { finished, sections } = await trainAndEvaluate(dir);
    expect(finished.status).toBe('completed');
    const few = sections.few_shot.accuracy as { way: number; value: number; adapted: string[] };
    expect(few.way).toBe(2);
    expect(few.value).toBeGreaterThanOrEqual(0);
    expect(few.adapted.join(' ')).toMatch(/2-way: the data has 2 classes/);
    expect(sections.cross_condition.accuracy).toMatch(/^skipped: one domain \(run\); cross-condition needs two/);
    expect((sections.linear_probe.accuracy as { classes: number }).classes).toBe(2);
    expect(sections.anomaly.auroc).toMatch(/not available: no class named "normal"/);
  });

  it('a class whose test stretch is short gets fewer queries, and the report says so', async () => {
    const dir = dataset('short', { classes: ['normal', 'a', 'b', 'c'], domains: ['d0', 'd1'], filesPerCell: 1, seconds: 1.2, shortSeconds: 0.3, fs: 8000, channels: 1 });
    const { finished, sections } = await trainAndEvaluate(dir);
    expect(finished.status).toBe('completed');
    const few = sections.few_shot.accuracy as { way: number; query: number; adapted: string[] };
    expect(few.query).toBeLessThan(15);
    expect(few.query).toBeGreaterThanOrEqual(1);
    expect(few.adapted.join(' ')).toMatch(/queries per class/);
    // Two domains: the cross-condition probe runs between them.
    expect((sections.cross_condition.accuracy as { from: string; to: string }).from).toBe('d0');
  });

  it('multichannel recordings at another rate: evaluated, and the report names the channel the signal metrics use', async () => {
    const dir = dataset('multich', { classes: ['normal', 'fault', 'other'], domains: ['x'], filesPerCell: 2, seconds: 0.5, fs: 25600, channels: 3 });
    const { finished, sections } = await trainAndEvaluate(dir);
    expect(finished.status).toBe('completed');
    expect((sections.few_shot.accuracy as { way: number }).way).toBe(3);
    expect(String(sections.generation.note ?? '')).toMatch(/channel 0 of 3/);
    expect(sections.setup.adapted).toEqual(expect.arrayContaining([expect.stringMatching(/3 channels at 25600 Hz/)]));
  });

  it('pipeline fine-tuning takes the frozen protocol\'s episode shape: a class without room is left out on both', async () => {
    // 0.15 s of "normal" leaves it one segment group per split: no room for a query beside 5 shots.
    const dir = dataset('leftout', { classes: ['normal', 'a', 'b', 'c'], domains: ['d0'], filesPerCell: 1, seconds: 1.2, shortSeconds: 0.15, fs: 8000, channels: 1 });
    const { sections, checkpoint, runDir } = await trainAndEvaluate(dir);
    const frozen = sections.few_shot.accuracy as { way: number; shot: number; query: number; adapted: string[] };
    expect(frozen.way).toBe(3);
    expect(frozen.adapted.join(' ')).toMatch(/left out .*: normal/);
    const events: EngineEvent[] = [];
    const finished = await runFewShotFinetune(
      { type: 'fewshot', run_id: 'ft', checkpoint_path: checkpoint, run_dir: runDir, cwd: runDir, seed: 42, way: 4, shot: 5, query: 15, train_episodes: 2, eval_episodes: 12, lr: 1e-4, max_windows_per_file: 120 },
      (e) => events.push(e), { stopRequested: false },
    );
    expect(finished.status).toBe('completed');
    const ft = events.find((e): e is EvaluationEvent => e.event === 'evaluation')!.results as Record<string, Record<string, unknown>>;
    for (const result of [ft.accuracy, ft.accuracy_before_finetune]) {
      expect(result).toMatchObject({ way: frozen.way, shot: frozen.shot, query: frozen.query, adapted: frozen.adapted });
    }
    expect(ft.train).toMatchObject({ episodes: 2, shape: { way: 3, shot: 5 } });
    expect((ft.train.shape as { adapted: string[] }).adapted.join(' ')).toMatch(/left out .*: normal/);
    const warnings = events.filter((e) => e.event === 'log' && e.level === 'warn').map((e) => String((e as { message: string }).message));
    expect(warnings).toEqual(expect.arrayContaining([expect.stringMatching(/^test split: left out/), expect.stringMatching(/^training split: left out/)]));
  });
});
