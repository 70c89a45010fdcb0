/**
 * The training loop, top to bottom: resolve the RunSpec → seed → data → model → optimiser
 * → epochs of (shuffle, batches, step, log) → validation → checkpoint → finished.
 * Progress leaves only through `emit`. Throws on failure (process.ts turns that into a
 * 'failed' finished event); emits and returns the finished event on completion or stop.
 */
import * as tf from '@tensorflow/tfjs';
import { openDataSource, prepareWindows, type PreparedData } from '../../data/index.js';
import { initBackend, type BackendInfo } from '../backend.js';
import { FlowModel } from '../flow/flow-model.js';
import { Ema } from '../flow/ema.js';
import { emaParts } from '../flow/ema-checkpoint.js';
import type { EpochEvent, FinishedEvent, StepEvent, TrainRequest } from '../protocol.js';
import { Rng } from '../../data/rng.js';
import { AdamW } from './adamw.js';
import { checkWindowSet, gatherBatch } from './batches.js';
import { EarlyStopping } from './early-stopping.js';
import { startReliability, statePart } from './reliability.js';
import { JointObjective, type MicroBatch, type ValidationResult } from './objective-step.js';
import { learningRate } from './schedules.js';
import { rssMb, stamp, type Emit } from './events.js';
import { waitWhilePaused } from './pause.js';
import { PreviewMaker } from './preview.js';

export interface TrainControl {
  stopRequested: boolean;
  /** Set while the host has paused the run; the loop waits on it between steps (train/pause.ts). */
  pause?: Promise<void> | null;
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
    labels: data.classNames.length,
    conditional: task.use_conditional,
  }, seed);
  // Every trainable variable (model, projection head, balancing) exists before the optimiser.
  const objective = new JointObjective(model, task, seed);
  const ema = spec.model.ema_decay > 0 ? new Ema(model.params, spec.model.ema_decay) : null; // flow/ema.ts
  const optimizer = new AdamW(objective.variables(), { kind: task.optimizer, weightDecay: task.weight_decay });
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
    const valEvery = trainer.val_every_n_steps;
    const stopper = task.early_stopping && data.val.n > 0 ? new EarlyStopping(task.es_patience, task.es_min_delta) : null;
    let earlyStop = null as string | null; // set by checkValidation()
    // Real vs generated windows for the dashboard (train/preview.ts); 0 = off.
    const previewEvery = trainer.preview_every_n_steps;
    const preview = new PreviewMaker(model, data.val.n > 0 ? data.val : train, seed);

    if (task.use_contrastive) {
      emit(stamp(runId, 0, { event: 'log', level: 'info', message: `objective: flow + contrastive (NT-Xent τ=${task.temperature}), balancing ${task.balancing}` }));
    } else if (task.balancing !== 'fixed') {
      emit(stamp(runId, 0, { event: 'log', level: 'warn', message: `task.balancing=${task.balancing} needs task.use_contrastive: true; training the flow objective alone` }));
    }
    if (task.early_stopping && !stopper) {
      emit(stamp(runId, 0, { event: 'log', level: 'warn', message: 'task.early_stopping is on but there are no validation windows: it cannot trigger' }));
    }

    // ---- loop
    const rng = Rng.derive(seed, 'train');
    // Checkpoints, resume, the stability guard and injected faults (reliability.ts).
    const rel = await startReliability({
      req, emit, model, variables: objective.variables(), optimizer, rng, data, totalSteps,
      parts: [...statePart('objective', objective), ...statePart('early_stopping', stopper), ...emaParts(ema, model)],
    });
    let step = rel.resumed?.step ?? 0;
    // After the resume point is known, so a resumed run's 'started' stands at the step it
    // continues from (its timeline reads in order) rather than at 0.
    emit(stamp(runId, step, {
      event: 'started', backend: backend.name, backend_skipped: backend.skipped, backend_threads: backend.threads, versions: backend.versions,
      params: model.params.count(), total_steps: totalSteps, epochs, steps_per_epoch: stepsPerEpoch,
    }));
    emit(stamp(runId, step, {
      event: 'data', manifest_hash: data.manifestHash, files: data.files.length,
      windows: { train: train.n, val: data.val.n, test: data.test.n }, window_length: length, channels,
      classes: data.classNames, domains: data.domainNames, datasets: data.datasetNames, skipped_windows: data.skippedWindows,
    }));
    let epoch = 0;
    let stopped = false;
    let lastTrain: number | null = null;
    let lastVal: number | null = null;
    let lastValidation = null as ValidationResult | null; // set by checkValidation()
    let lastTrainTotal: number | null = null;
    let logClock = performance.now();
    let logStep = step; // from the resume point: the first rate after a resume is not step/elapsed
    // Crash safety by default (task.checkpoint_every_epoch / checkpoint_minutes): the last
    // checkpoint's step and wall clock, so an epoch end right after an interval one skips.
    let ckptStep = step;
    let ckptClock = performance.now();
    const ckptMs = task.checkpoint_minutes * 60_000;
    for (epoch = rel.resumed?.cursor.epoch ?? 1; epoch <= epochs && step < totalSteps && !stopped && !earlyStop; epoch++) {
      const epochStart = performance.now();
      const carried = rel.takeCursor(epoch); // a resumed epoch continues where its checkpoint stood
      const order = carried?.order ?? rng.permutation(train.n);
      let cursor = carried?.cursor ?? 0;
      let lossSum = carried?.loss_sum ?? 0;
      let lossCount = carried?.loss_count ?? 0;
      let conSum = carried?.con_sum ?? 0;
      let totalSum = carried?.total_sum ?? 0;
      let skippedBatches = carried?.skipped_batches ?? 0;
      let skippedWindows = carried?.skipped_windows ?? 0;
      if (carried) [lastTrain, lastVal] = [carried.last_train, carried.last_val];
      for (let s = carried?.next_s ?? 0; s < stepsPerEpoch && step < totalSteps; s++) {
        if (control.stopRequested) {
          stopped = true;
          break;
        }
        // Gradient accumulation: up to `accum` micro-batches, averaged into one optimiser step.
        const micro: MicroBatch[] = [];
        const stepStart = cursor;
        // The guard may have halved the batch and doubled accumulation after an OOM.
        for (let a = 0; a < rel.guard.accumulate && cursor < train.n; a++) {
          const batch = gatherBatch(train, order.subarray(cursor, cursor + rel.guard.batchSize), spec.data.amplitude_limit);
          cursor += rel.guard.batchSize;
          skippedWindows += batch.dropped;
          if (batch.n === 0 || !rel.admit(step + 1, a, batch)) {
            skippedBatches++;
            continue;
          }
          micro.push({ batch, draws: objective.draw(batch, rng) });
        }
        if (micro.length === 0) continue;
        const result = rel.step(step + 1, () => objective.step(micro, `step ${step + 1} (epoch ${epoch})`));
        if (result === 'oom') {
          [cursor, s] = [stepStart, s - 1]; // retry this step with the halved batch
          continue;
        }
        if (!result) continue; // non-finite: rolled back, LR halved, batch dropped
        const lr = learningRate(schedule, step) * rel.guard.lrScale;
        const clip = rel.clip(step + 1, result.grads, task.gradient_clipping);
        if (!clip) {
          tf.dispose(result.grads);
          continue;
        }
        optimizer.apply(clip.grads, lr);
        ema?.update();
        tf.dispose(clip.grads);
        tf.dispose(result.grads);
        objective.afterStep(result);
        step++;
        const parts = result.parts;
        const flowLoss = parts.flow;
        lossSum += flowLoss;
        conSum += parts.contrastive ?? 0;
        totalSum += parts.total;
        lossCount++;
        if (step === 1 && objective.sharedLayer()) {
          emit(stamp(runId, step, { event: 'log', level: 'info', message: `GradNorm shared layer: ${objective.sharedLayer()}` }));
        }
        const validateNow = valEvery !== null && step % valEvery === 0;
        if (validateNow) checkValidation();

        if (step % trainer.log_every_n_steps === 0 || step === totalSteps || validateNow) {
          const now = performance.now();
          const rate = ((step - logStep) * 1000) / Math.max(1e-6, now - logClock);
          logClock = now;
          logStep = step;
          const ev: Omit<StepEvent, 'run_id' | 'step' | 'time'> = {
            event: 'step', epoch, flow_loss: flowLoss, total_loss: parts.total, flow_weight: parts.weights.flow,
            contrastive_weight: objective.contrastive ? parts.weights.contrastive : 0, lr, grad_norm: clip.norm, steps_per_s: rate,
            num_tensors: tf.memory().numTensors, rss_mb: rssMb(), eta_s: (totalSteps - step) / Math.max(rate, 1e-9),
            total_steps: totalSteps,
            ...(parts.contrastive !== null ? { contrastive_loss: parts.contrastive } : {}),
            ...objective.balancer.logFields(),
            ...(validateNow && lastValidation ? validationFields(lastValidation) : {}),
          };
          emit(stamp(runId, step, ev));
        }
        rel.afterStep(step); // crash fault, memory budget
        const byStep = task.checkpoint_interval > 0 && step % task.checkpoint_interval === 0;
        const byTime = ckptMs > 0 && performance.now() - ckptClock >= ckptMs;
        if ((byStep || byTime) && step < totalSteps) {
          await rel.checkpoints.write('interval', step, epoch, lossSum / lossCount, lastVal, {
            epoch, next_s: s + 1, cursor, loss_sum: lossSum, loss_count: lossCount, con_sum: conSum, total_sum: totalSum,
            skipped_batches: skippedBatches, skipped_windows: skippedWindows, last_train: lastTrain, last_val: lastVal, has_order: true,
          }, order);
          [ckptStep, ckptClock] = [step, performance.now()];
        }
        if (earlyStop) break;
        if (previewEvery > 0 && step % previewEvery === 0) emit(stamp(runId, step, preview.make()));
        // Let IPC (a 'stop' / 'pause' message) in between steps; a pause waits here, idle.
        await new Promise<void>((r) => setImmediate(r));
        logClock += await waitWhilePaused(control, (paused) => emit(stamp(runId, step, { event: 'paused', paused })));
      }
      if (lossCount === 0) continue;
      lastTrain = lossSum / lossCount;
      lastTrainTotal = totalSum / lossCount;
      if (valEvery === null || !lastValidation) checkValidation();
      const weights = objective.balancer.weights();
      const ev: Omit<EpochEvent, 'run_id' | 'step' | 'time'> = {
        event: 'epoch', epoch, epochs, train_flow_loss: lastTrain, train_total_loss: totalSum / lossCount,
        val_flow_loss: lastVal,
        ...(objective.contrastive ? { train_contrastive_loss: conSum / lossCount, flow_weight: weights.flow, contrastive_weight: weights.contrastive } : {}),
        ...(lastValidation?.contrastive != null ? { val_contrastive_loss: lastValidation.contrastive } : {}),
        ...(lastValidation ? { val_total_loss: lastValidation.total } : {}),
        ...(stopper ? { es_bad_checks: stopper.getState().bad } : {}),
        skipped_batches: skippedBatches, skipped_windows: skippedWindows,
        num_tensors: tf.memory().numTensors, seconds: (performance.now() - epochStart) / 1000,
      };
      emit(stamp(runId, step, ev));
      // Between epochs, exactly where the final checkpoint would stand (the next epoch's start).
      const more = epoch < epochs && step < totalSteps && !stopped && !earlyStop;
      if (task.checkpoint_every_epoch && more && step > ckptStep) {
        await rel.checkpoints.write('interval', step, epoch, lastTrain, lastVal, rel.epochStart(epoch + 1, lastTrain, lastVal), null);
        [ckptStep, ckptClock] = [step, performance.now()];
      }
    }
    const lastEpoch = Math.max(1, Math.min(epoch - 1, epochs));

    // ---- final checkpoint (also when stopped), then finished
    await rel.checkpoints.write('final', step, lastEpoch, lastTrain, lastVal, rel.epochStart(epoch, lastTrain, lastVal), null);
    const finished = stamp(runId, step, {
      event: 'finished',
      status: stopped ? 'stopped' : 'completed',
      ...(stopped ? { reason: 'stop requested by the host' } : earlyStop ? { reason: earlyStop } : {}),
      seconds: (performance.now() - t0) / 1000,
      final: { flow_loss: lastTrain ?? undefined, val_flow_loss: lastVal, total_loss: lastTrainTotal ?? undefined },
    }) as FinishedEvent;
    emit(finished);
    return finished;

    // Validation losses with draws fixed per run (same every check), then early stopping.
    function checkValidation(): void {
      lastValidation = objective.validate(data.val, seed, task.batch_size, spec.data.amplitude_limit);
      lastVal = lastValidation?.flow ?? null;
      if (!stopper || !lastValidation) return;
      const value = task.monitor === 'val_total_loss' ? lastValidation.total : lastValidation.flow;
      const d = stopper.update(value, step);
      if (d.stop) {
        earlyStop = `early stopping: ${task.monitor} did not improve by more than ${task.es_min_delta} for ${d.bad} validation checks (best ${d.best} at step ${stopper.bestStep})`;
      }
    }
  } finally {
    objective.dispose();
    optimizer.dispose();
    ema?.dispose();
    model.dispose();
  }
}

async function loadData(req: TrainRequest): Promise<PreparedData> {
  const seed = req.spec.environment.seed;
  const source = await openDataSource(req.spec.data, { cwd: req.cwd, seed });
  return prepareWindows(source, req.spec.data, seed);
}

/** A validation's losses as optional step-event fields. */
function validationFields(v: ValidationResult): Pick<StepEvent, 'val_flow_loss' | 'val_contrastive_loss' | 'val_total_loss'> {
  return { val_flow_loss: v.flow, val_total_loss: v.total, ...(v.contrastive !== null ? { val_contrastive_loss: v.contrastive } : {}) };
}
