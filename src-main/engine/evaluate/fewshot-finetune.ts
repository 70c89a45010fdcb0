/**
 * Pipeline stage 2: a prototypical network initialised from the stage-1 flow checkpoint
 * (its encoder trunk, FlowModel.encoderFeatures) and fine-tuned episodically on the
 * training split: each step draws a way-way shot-shot query-query episode (support and
 * query from disjoint segment groups), computes the prototypical loss and takes one Adam
 * step on the model's parameters. Then few-shot accuracy on the test split, before and
 * after fine-tuning, and a checkpoint of the fine-tuned weights in the stage-2 run.
 * Both splits take their episode shape from episode-shape.ts, as the frozen protocol does
 * (way capped by the classes that fit, fewer queries for a short class, a class without room
 * left out, skipped with the reason when fewer than two fit), so the two numbers compare.
 */
import path from 'node:path';
import { mkdirSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { initBackend, type BackendInfo } from '../backend/select-backend.js';
import { loadCheckpoint, restoreModel, saveCheckpoint } from '../checkpoint/checkpoint.js';
import { loadEmaWeights } from '../flow/ema-checkpoint.js';
import type { FewShotRequest, FinishedEvent } from '../protocol/index.js';
import { Rng } from '../../data/rng.js';
import { stamp, type Emit } from '../train/events.js';
import type { TrainControl } from '../train/pause.js';
import { fewShot } from './downstream.js';
import { drawEpisode, episodePool } from '../metrics/episodes.js';
import { episodeShape } from './episode-shape.js';
import { rowsOf } from './downstream.js';
import { loadEvalData, runSelection } from './eval-data.js';
import { encodeWindows } from './features.js';
import { prototypicalLoss } from './prototypical-loss.js';

export async function runFewShotFinetune(req: FewShotRequest, emit: Emit, control: TrainControl, options: { backend?: BackendInfo } = {}): Promise<FinishedEvent> {
  const t0 = performance.now();
  const backend = options.backend ?? (await initBackend());
  const ckpt = await loadCheckpoint(req.checkpoint_path);
  const { meta } = ckpt;
  const model = restoreModel(ckpt);
  const ema = loadEmaWeights(model, ckpt.arrays);
  const opt = tf.train.adam(req.lr);
  try {
    const dataSpec = req.data_path ? { ...meta.config.data, source: 'files' as const, path: req.data_path } : meta.config.data;
    const data = await loadEvalData(dataSpec, { cwd: req.cwd, seed: req.seed, maxWindowsPerFile: req.max_windows_per_file ?? null, select: runSelection(meta.config, req.data_path) });
    const want = { way: req.way, shot: req.shot, query: req.query };
    const trainShape = episodeShape(data.train.label4, data.train.group, data.label4Names, want);
    const testShape = episodeShape(data.test.label4, data.test.group, data.label4Names, want);
    const notes = [
      ...('skipped' in trainShape ? [`training split: ${trainShape.skipped}; no fine-tuning`] : trainShape.adapted.map((a) => `training split: ${a}`)),
      ...('skipped' in testShape ? [`test split: ${testShape.skipped}`] : testShape.adapted.map((a) => `test split: ${a}`)),
    ];
    for (const n of notes) emit(stamp(req.run_id, 0, { event: 'log', level: 'warn', message: n }));
    const trainEpisodes = 'skipped' in trainShape ? 0 : req.train_episodes;
    emit(stamp(req.run_id, 0, {
      event: 'started', backend: backend.name, backend_skipped: backend.skipped, backend_threads: backend.threads, versions: backend.versions,
      params: model.params.count(), total_steps: trainEpisodes, epochs: 1, steps_per_epoch: trainEpisodes,
    }));
    // Test episodes on the test-split shape's classes only (as the frozen protocol's shapedFewShot).
    const scoreTest = async () => {
      if ('skipped' in testShape) return testShape.skipped;
      const rows = rowsOf(data.test, (i) => testShape.classes.includes(data.test.label4[i]));
      return { ...fewShot(await encodeWindows(model, data.test.set), data, req.seed, req.eval_episodes, testShape.way, testShape.shot, testShape.query, rows), adapted: testShape.adapted };
    };
    const before = await scoreTest();

    const set = data.train.set;
    const size = set.length * set.channels;
    const vars = model.params.variables();
    const losses: number[] = [];
    let step = 0;
    if (!('skipped' in trainShape)) {
      const { way, shot, query } = trainShape;
      // Episode rows index trainRows (the shape's classes); map them back before reading windows.
      const trainRows = rowsOf(data.train, (i) => trainShape.classes.includes(data.train.label4[i]));
      const pool = episodePool(Int32Array.from(trainRows, (i) => data.train.label4[i]), Int32Array.from(trainRows, (i) => data.train.group[i]), shot, query);
      const rng = Rng.derive(req.seed, 'fewshot-finetune');
      for (; step < trainEpisodes && !control.stopRequested; step++) {
        const ep = drawEpisode(pool, way, shot, query, rng);
        const rows = [...ep.support, ...ep.query].map((k) => trainRows[k]);
        const x = new Float32Array(rows.length * size);
        rows.forEach((r, k) => x.set(set.x.subarray(r * size, (r + 1) * size), k * size));
        const xt = tf.tensor3d(x, [rows.length, set.length, set.channels]);
        const loss = opt.minimize(() => {
          const f = model.encoderFeatures(xt);
          const s = tf.slice(f, [0, 0], [ep.support.length, -1]) as tf.Tensor2D;
          const q = tf.slice(f, [ep.support.length, 0], [ep.query.length, -1]) as tf.Tensor2D;
          return prototypicalLoss(s, ep.supportY, q, ep.queryY, way);
        }, true, vars);
        xt.dispose();
        const v = loss!.dataSync()[0];
        loss!.dispose();
        if (!Number.isFinite(v)) throw new Error(`fewshot: non-finite prototypical loss at episode ${step + 1}; lower the learning rate`);
        losses.push(v);
        if ((step + 1) % 10 === 0) emit(stamp(req.run_id, step + 1, { event: 'log', level: 'info', message: `episode ${step + 1}/${trainEpisodes}: prototypical loss ${v.toFixed(4)}` }));
        await new Promise<void>((r) => setImmediate(r));
      }
    }
    const after = await scoreTest();
    const trainShapeResult = 'skipped' in trainShape ? { skipped: trainShape.skipped } : { way: trainShape.way, shot: trainShape.shot, query: trainShape.query, adapted: trainShape.adapted };
    emit(stamp(req.run_id, step, {
      event: 'evaluation', section: 'few_shot', seconds: (performance.now() - t0) / 1000,
      results: {
        accuracy: typeof after === 'string' ? after : { ...after, protocol: `${after.protocol}-finetuned`, stage1_checkpoint: req.checkpoint_path, stage1_weights: ema ? 'ema' : 'live' },
        accuracy_before_finetune: before,
        train: { episodes: step, lr: req.lr, first_loss: losses[0] ?? null, last_loss: losses[losses.length - 1] ?? null, losses, notes, shape: trainShapeResult },
      },
    }));
    const dir = path.join(req.run_dir, 'checkpoints');
    mkdirSync(dir, { recursive: true });
    const { param_names: _p, optimizer: _o, resume: _r, ...rest } = meta;
    void _p; void _o; void _r;
    const written = await saveCheckpoint(path.join(dir, `fewshot-step-${step}.fbckpt`), {
      ...rest, run_id: req.run_id, created: new Date().toISOString(), step, epoch: 1, stable: true,
    }, model, null);
    emit(stamp(req.run_id, step, {
      event: 'checkpoint', epoch: 1, path: written.path, sha256: written.sha256, bytes: written.bytes, kind: 'final', stable: true,
      val_flow_loss: null, train_flow_loss: null,
    }));
    const finished = stamp(req.run_id, step, {
      event: 'finished', status: control.stopRequested ? 'stopped' : 'completed', seconds: (performance.now() - t0) / 1000,
    }) as FinishedEvent;
    emit(finished);
    return finished;
  } finally {
    opt.dispose();
    model.dispose();
  }
}
