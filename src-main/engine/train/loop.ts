/**
 * The training loop, top to bottom: resolve the RunSpec → seed → data → model → optimiser
 * → epochs of (shuffle, batches, step, log) → validation → checkpoint → finished.
 * Progress leaves only through `emit`. Throws on failure (process.ts turns that into a
 * 'failed' finished event); emits and returns the finished event on completion or stop.
 */
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { openDataSource, prepareWindows, type PreparedData, type WindowSet } from '../../data/index.js';
import { initBackend, type BackendInfo } from '../backend.js';
import { saveCheckpoint } from '../checkpoint/checkpoint.js';
import { FlowModel } from '../flow/flow-model.js';
import type { CheckpointEvent, EpochEvent, FinishedEvent, StepEvent, TrainRequest } from '../protocol.js';
import { Rng } from '../rng.js';
import { AdamW } from './adamw.js';
import { checkWindowSet, gatherBatch } from './batches.js';
import { clipByGlobalNorm } from './clipping.js';
import { batchFlowLoss, drawEvaluation, drawTraining, flowLossAndGrads } from './flow-step.js';
import { learningRate } from './schedules.js';
import { rssMb, stamp, type Emit } from './events.js';

export interface TrainControl {
  stopRequested: boolean;
}

export interface TrainOptions {
  /** Prepared windows to train on instead of reading spec.data (tests, benchmarks). */
  data?: PreparedData;
  /** An already initialised backend (skips initBackend). */
  backend?: BackendInfo;
}

export async function runTraining(
  req: TrainRequest,
  emit: Emit,
  control: TrainControl,
  options: TrainOptions = {},
): Promise<FinishedEvent> {
  const t0 = performance.now();
  const { spec, run_id: runId } = req;
  const { task, trainer } = spec;
  const seed = spec.environment.seed;
  const backend = options.backend ?? (await initBackend());

  // ---- data
  const data = options.data ?? (await loadData(req));
  checkWindowSet(data.train, 'train');
  checkWindowSet(data.val, 'val');
  const train = data.train;
  if (train.n === 0) throw new Error('data: no training windows; add recordings, shorten data.window_length or lower data.stride');
  const { length, channels } = train;

  // ---- model and optimiser
  const model = new FlowModel(spec.model, {
    length,
    channels,
    domains: data.domainNames.length,
    datasets: data.datasetNames.length,
    conditional: task.use_conditional,
  }, seed);
  const optimizer = new AdamW(model.params.variables(), { kind: task.optimizer, weightDecay: task.weight_decay });
  try {
    const accum = task.accumulate_grad_batches;
    const batchesPerEpoch = Math.ceil(train.n / task.batch_size);
    const stepsPerEpoch = Math.min(Math.ceil(batchesPerEpoch / accum), trainer.steps_per_epoch ?? Infinity);
    const totalSteps = Math.min(task.epochs * stepsPerEpoch, trainer.max_steps ?? Infinity);
    const epochs = Math.ceil(totalSteps / stepsPerEpoch);
    const schedule = {
      kind: task.lr_scheduler,
      lr: task.lr,
      totalSteps,
      warmupSteps: task.warmup_epochs * stepsPerEpoch,
    };
    const flowWeight = task.flow_loss_weight;
    const contrastiveWeight = task.use_contrastive ? task.contrastive_loss_weight : 0;

    emit(stamp(runId, 0, {
      event: 'started', backend: backend.name, backend_skipped: backend.skipped, versions: backend.versions,
      params: model.params.count(), total_steps: totalSteps, epochs, steps_per_epoch: stepsPerEpoch,
    }));
    emit(stamp(runId, 0, {
      event: 'data', manifest_hash: data.manifestHash, files: data.files.length,
      windows: { train: train.n, val: data.val.n, test: data.test.n }, window_length: length, channels,
      classes: data.classNames, domains: data.domainNames, datasets: data.datasetNames, skipped_windows: data.skippedWindows,
    }));
    if (task.use_contrastive) {
      emit(stamp(runId, 0, { event: 'log', level: 'warn', message: 'task.use_contrastive is not built yet in this engine: training the flow objective only' }));
    }

    // ---- loop
    const rng = Rng.derive(seed, 'train');
    let step = 0;
    let epoch = 0;
    let stopped = false;
    let lastTrain: number | null = null;
    let lastVal: number | null = null;
    let logClock = performance.now();
    let logStep = 0;
    for (epoch = 1; epoch <= epochs && step < totalSteps && !stopped; epoch++) {
      const epochStart = performance.now();
      const order = rng.permutation(train.n);
      let cursor = 0;
      let lossSum = 0;
      let lossCount = 0;
      let skippedBatches = 0;
      let skippedWindows = 0;
      for (let s = 0; s < stepsPerEpoch && step < totalSteps; s++) {
        if (control.stopRequested) {
          stopped = true;
          break;
        }
        // Gradient accumulation: sum micro-batch gradients, average, one optimiser step.
        let summed: tf.Tensor[] | null = null;
        let micro = 0;
        let stepLoss = 0;
        for (let a = 0; a < accum && cursor < train.n; a++) {
          const batch = gatherBatch(train, order.subarray(cursor, cursor + task.batch_size), spec.data.amplitude_limit);
          cursor += task.batch_size;
          skippedWindows += batch.dropped;
          if (batch.n === 0) {
            skippedBatches++;
            continue;
          }
          const { flowLoss, grads } = flowLossAndGrads(model, batch, drawTraining(model, batch, rng), flowWeight);
          if (!Number.isFinite(flowLoss)) {
            tf.dispose(grads);
            tf.dispose(summed ?? []);
            throw new Error(`training diverged: flow loss is ${flowLoss} at step ${step + 1} (epoch ${epoch}); lower task.lr or set task.gradient_clipping > 0`);
          }
          stepLoss += flowLoss;
          micro++;
          if (summed) {
            const prev: tf.Tensor[] = summed;
            summed = prev.map((g, i) => tf.add(g, grads[i]));
            tf.dispose(prev);
            tf.dispose(grads);
          } else summed = grads;
        }
        if (!summed || micro === 0) continue;
        if (micro > 1) {
          const prev: tf.Tensor[] = summed;
          summed = prev.map((g) => tf.div(g, micro));
          tf.dispose(prev);
        }
        const lr = learningRate(schedule, step);
        const clip = clipByGlobalNorm(summed, task.gradient_clipping);
        optimizer.apply(clip.grads, lr);
        tf.dispose(clip.grads);
        tf.dispose(summed);
        step++;
        const flowLoss = stepLoss / micro;
        lossSum += flowLoss;
        lossCount++;

        if (step % trainer.log_every_n_steps === 0 || step === totalSteps) {
          const now = performance.now();
          const rate = ((step - logStep) * 1000) / Math.max(1e-6, now - logClock);
          logClock = now;
          logStep = step;
          const ev: Omit<StepEvent, 'run_id' | 'step' | 'time'> = {
            event: 'step', epoch, flow_loss: flowLoss, total_loss: flowWeight * flowLoss, flow_weight: flowWeight,
            contrastive_weight: contrastiveWeight, lr, grad_norm: clip.norm, steps_per_s: rate,
            num_tensors: tf.memory().numTensors, rss_mb: rssMb(), eta_s: (totalSteps - step) / Math.max(rate, 1e-9),
            total_steps: totalSteps,
          };
          emit(stamp(runId, step, ev));
        }
        if (task.checkpoint_interval > 0 && step % task.checkpoint_interval === 0 && step < totalSteps) {
          await writeCheckpoint('interval', step, epoch, lossSum / lossCount, lastVal);
        }
        // Let IPC (a 'stop' message) in between steps.
        await new Promise<void>((r) => setImmediate(r));
      }
      if (lossCount === 0) continue;
      lastTrain = lossSum / lossCount;
      lastVal = validationLoss(data.val);
      const ev: Omit<EpochEvent, 'run_id' | 'step' | 'time'> = {
        event: 'epoch', epoch, epochs, train_flow_loss: lastTrain, train_total_loss: flowWeight * lastTrain,
        val_flow_loss: lastVal, skipped_batches: skippedBatches, skipped_windows: skippedWindows,
        num_tensors: tf.memory().numTensors, seconds: (performance.now() - epochStart) / 1000,
      };
      emit(stamp(runId, step, ev));
    }
    const lastEpoch = Math.max(1, Math.min(epoch - 1, epochs));

    // ---- final checkpoint (also when stopped), then finished
    await writeCheckpoint('final', step, lastEpoch, lastTrain, lastVal);
    const finished = stamp(runId, step, {
      event: 'finished',
      status: stopped ? 'stopped' : 'completed',
      ...(stopped ? { reason: 'stop requested by the host' } : {}),
      seconds: (performance.now() - t0) / 1000,
      final: { flow_loss: lastTrain ?? undefined, val_flow_loss: lastVal, total_loss: lastTrain === null ? undefined : flowWeight * lastTrain },
    }) as FinishedEvent;
    emit(finished);
    return finished;

    // Mean flow loss over the validation windows with draws fixed per run (same every epoch).
    function validationLoss(val: WindowSet): number | null {
      if (val.n === 0) return null;
      const vrng = Rng.derive(seed, 'val');
      let sum = 0;
      let count = 0;
      for (let i = 0; i < val.n; i += task.batch_size) {
        const idx = new Int32Array(Math.min(task.batch_size, val.n - i)).map((_, k) => i + k);
        const batch = gatherBatch(val, idx, spec.data.amplitude_limit);
        if (batch.n === 0) continue;
        const loss = batchFlowLoss(model, batch, drawEvaluation(model, batch, vrng));
        sum += loss.dataSync()[0] * batch.n;
        count += batch.n;
        loss.dispose();
      }
      return count ? sum / count : null;
    }

    async function writeCheckpoint(kind: CheckpointEvent['kind'], atStep: number, atEpoch: number, trainLoss: number | null, valLoss: number | null): Promise<void> {
      const path = join(req.run_dir, 'checkpoints', `step-${atStep}.fbckpt`);
      const written = await saveCheckpoint(path, {
        run_id: runId, created: new Date().toISOString(), config: spec, step: atStep, epoch: atEpoch,
        model_shape: model.shape, rng: rng.getState(), manifest_hash: data.manifestHash,
        class_names: data.classNames, domain_names: data.domainNames, dataset_names: data.datasetNames,
        window_length: length, channels,
        normalization: { method: spec.data.normalization, scope: spec.data.normalization_scope },
        metrics: { train_flow_loss: trainLoss, val_flow_loss: valLoss },
      }, model, optimizer);
      const finite = (v: number | null): boolean => v === null || Number.isFinite(v);
      const stable = finite(trainLoss) && finite(valLoss) && weightsFinite(model);
      emit(stamp(runId, atStep, {
        event: 'checkpoint', epoch: atEpoch, path: written.path, sha256: written.sha256, bytes: written.bytes,
        kind, stable, val_flow_loss: valLoss, train_flow_loss: trainLoss,
      }));
    }
  } finally {
    optimizer.dispose();
    model.dispose();
  }
}

async function loadData(req: TrainRequest): Promise<PreparedData> {
  const seed = req.spec.environment.seed;
  const source = await openDataSource(req.spec.data, { cwd: req.cwd, seed });
  return prepareWindows(source, req.spec.data, seed);
}

function weightsFinite(model: FlowModel): boolean {
  return tf.tidy(() => model.params.variables().every((v) => tf.all(tf.isFinite(v)).dataSync()[0] === 1));
}
