/**
 * The training loop, top to bottom: resolve the RunSpec → seed → data → model → optimiser
 * → epochs of (shuffle, batches, step, log) → validation → checkpoint → finished.
 * Progress leaves only through `emit`. Throws on failure (process.ts turns that into a
 * 'failed' finished event); emits and returns the finished event on completion or stop.
 * Every read of the device is awaited (backend/device-read.ts), so a run trains on webgpu too.
 */
import * as tf from '@tensorflow/tfjs';
import { openDataSource, prepareWindows, type PreparedData } from '../../data/index.js';
import type { BackendInfo } from '../backend/select-backend.js';
import { FlowModel } from '../flow/flow-model.js';
import { Ema } from '../flow/ema.js';
import { emaParts } from '../flow/ema-checkpoint.js';
import { chooseEngine, initTrainingBackend } from '../native/engine-choice.js';
import { nativeStepper } from '../native/native-stepper.js';
import type { EpochEvent, FinishedEvent, StepEvent, TrainRequest } from '../protocol/index.js';
import { Rng } from '../../data/rng.js';
import { balancingIgnored } from '../../config/enums.js';
import { AdamW } from './adamw.js';
import { checkWindowSet, gatherBatch } from './batches.js';
import { EarlyStopping } from './early-stopping.js';
import { epochOrder } from './epoch-order.js';
import { startReliability, statePart } from './reliability.js';
import { JointObjective, type MicroBatch, type StepResult, type ValidationResult } from '../objective/joint-objective.js';
import { learningRate } from './schedules.js';
import { rssMb, stamp, type Emit } from './events.js';
import { waitWhilePaused, type TrainControl } from './pause.js';
import { epochStartCursor, startNextEpoch, type TrainCursor } from './run-state.js';
import { PreviewMaker } from './preview.js';
import { CheckpointCadence } from './checkpoint-cadence.js';
import { RateMeter } from './rate-meter.js';
import { ValidationCheck } from './validation-check.js';

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
  const backend = options.backend ?? (await initTrainingBackend(spec));

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
  // The objective's loss and gradients come from the native engine when it covers the run (engine/native/).
  const engine = chooseEngine(spec, backend);
  const stepper = engine.addon ? nativeStepper(engine.addon, objective) : objective;
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
    // Real vs generated windows for the dashboard (train/preview.ts); 0 = off.
    const previewEvery = trainer.preview_every_n_steps;
    const preview = new PreviewMaker(model, data.val.n > 0 ? data.val : train, seed);

    // ---- loop
    const rng = Rng.derive(seed, 'train');
    // Checkpoints, resume, the stability guard and injected faults (reliability.ts).
    const rel = await startReliability({
      req, emit, model, variables: objective.variables(), optimizer, rng, data, totalSteps,
      parts: [...statePart('objective', objective), ...statePart('early_stopping', stopper), ...emaParts(ema, model)],
    });
    // The one cursor of the run (train/run-state.ts): where it stands and the epoch's running
    // sums, exactly what a checkpoint keeps. A resume continues from the checkpoint's.
    const resumed = rel.takeCursor();
    const cur: TrainCursor = resumed ? { ...resumed.cursor } : epochStartCursor(1, null, null);
    let order = resumed?.order ?? null;
    let step = rel.resumed?.step ?? 0;
    // After the resume point is known, so a resumed run's 'started' stands at the step it
    // continues from (its timeline reads in order) rather than at 0.
    announceRun(emit, runId, step, { spec, data, engine, params: model.params.count(), totalSteps, epochs, stepsPerEpoch, stopper });

    const validation = new ValidationCheck(objective, data, task, seed, spec.data.amplitude_limit, stopper);
    const meter = new RateMeter(step);
    const cadence = new CheckpointCadence(task, step);
    let stopped = false;
    let lastTrainTotal: number | null = null;
    for (; cur.epoch <= epochs && step < totalSteps && !stopped && !validation.stopReason; startNextEpoch(cur)) {
      const epochStart = performance.now();
      const epoch = cur.epoch;
      const thisEpochOrder = order ?? epochOrder(train.dataset, train.n, rng); // datasets in balance (epoch-order.ts)
      order = null; // a resumed epoch's order serves that epoch only
      while (cur.next_s < stepsPerEpoch && step < totalSteps) {
        if (control.stopRequested) {
          stopped = true;
          break;
        }
        // Gradients of one optimiser step, then the update; null: skipped (no valid batch,
        // non-finite and rolled back, or refused by the clip guard), the step not counted.
        const result = await computeStep(thisEpochOrder, epoch);
        cur.next_s++;
        const update = result && (await applyUpdate(result));
        if (!result || !update) continue;
        step++;
        addToEpochSums(cur, result.parts);
        if (step === 1 && objective.sharedLayer()) {
          emit(stamp(runId, step, { event: 'log', level: 'info', message: `GradNorm shared layer: ${objective.sharedLayer()}` }));
        }
        const validateNow = valEvery !== null && step % valEvery === 0;
        const checked = validateNow ? await validate() : null;
        if (step % trainer.log_every_n_steps === 0 || step === totalSteps || validateNow) {
          const rate = meter.rate(step);
          emit(stamp(runId, step, stepEvent(epoch, result, update, objective, rate, totalSteps - step, totalSteps, checked)));
        }
        rel.afterStep(step); // crash fault, memory budget
        if (cadence.dueAfterStep(step, totalSteps)) {
          await rel.checkpoints.write('interval', step, epoch, cur.loss_sum / cur.loss_count, cur.last_val, { ...cur, has_order: true }, thisEpochOrder);
          cadence.wrote(step);
        }
        if (validation.stopReason) break;
        if (previewEvery > 0 && step % previewEvery === 0) emit(stamp(runId, step, await preview.make()));
        // Let IPC (a 'stop' / 'pause' message) in between steps; a pause waits here, idle.
        await new Promise<void>((r) => setImmediate(r));
        meter.paused(await waitWhilePaused(control, (paused) => emit(stamp(runId, step, { event: 'paused', paused }))));
      }
      if (cur.loss_count === 0) continue;
      cur.last_train = cur.loss_sum / cur.loss_count;
      lastTrainTotal = cur.total_sum / cur.loss_count;
      if (valEvery === null || !validation.last) await validate();
      emit(stamp(runId, step, epochEvent(cur, epochs, cur.last_train, lastTrainTotal, objective, validation.last, stopper, epochStart)));
      // Between epochs, exactly where the final checkpoint would stand (the next epoch's start).
      const more = epoch < epochs && step < totalSteps && !stopped && !validation.stopReason;
      if (more && cadence.dueAtEpochEnd(step)) {
        await rel.checkpoints.write('interval', step, epoch, cur.last_train, cur.last_val, epochStartCursor(epoch + 1, cur.last_train, cur.last_val), null);
        cadence.wrote(step);
      }
    }
    const lastEpoch = Math.max(1, Math.min(cur.epoch - 1, epochs));
    const { last_train: lastTrain, last_val: lastVal } = cur;

    // ---- final checkpoint (also when stopped), then finished
    await rel.checkpoints.write('final', step, lastEpoch, lastTrain, lastVal, epochStartCursor(cur.epoch, lastTrain, lastVal), null);
    const finished = stamp(runId, step, {
      event: 'finished',
      status: stopped ? 'stopped' : 'completed',
      ...(stopped ? { reason: 'stop requested by the host' } : validation.stopReason ? { reason: validation.stopReason } : {}),
      seconds: (performance.now() - t0) / 1000,
      final: { flow_loss: lastTrain ?? undefined, val_flow_loss: lastVal, total_loss: lastTrainTotal ?? undefined },
    }) as FinishedEvent;
    emit(finished);
    return finished;

    // A validation check; its flow loss is the cursor's last_val (checkpoints and the epoch event carry it).
    async function validate(): Promise<ValidationResult | null> {
      const v = await validation.run(step);
      cur.last_val = v?.flow ?? null;
      return v;
    }

    // The update from one step's gradients: learning rate (schedule × the guard's scale), the
    // global-norm clip (null: the guard refused the step), AdamW, EMA, the balancer's after-step.
    async function applyUpdate(result: StepResult): Promise<{ lr: number; norm: number } | null> {
      const lr = learningRate(schedule, step) * rel.guard.lrScale;
      const clip = await rel.clip(step + 1, result.grads, task.gradient_clipping);
      if (clip) {
        optimizer.apply(clip.grads, lr);
        ema?.update();
        tf.dispose(clip.grads);
      }
      tf.dispose(result.grads);
      if (!clip) return null;
      await objective.afterStep(result);
      return { lr, norm: clip.norm };
    }

    // One optimiser step's gradients: up to `accum` micro-batches, averaged. The guard may have
    // halved the batch and doubled accumulation after an OOM; an OOM retries the same windows
    // with the halved batch (a stop is looked at only between steps, so none cuts a retry short).
    // null: no valid batch, or non-finite (rolled back, LR halved, batch dropped).
    async function computeStep(epochOrderNow: Int32Array, epoch: number): Promise<StepResult | null> {
      for (;;) {
        const stepStart = cur.cursor;
        const micro = readMicroBatches(epochOrderNow);
        const result = micro.length === 0 ? null : await rel.step(step + 1, () => stepper.step(micro, `step ${step + 1} (epoch ${epoch})`));
        if (result !== 'oom') return result;
        cur.cursor = stepStart;
      }
    }

    // The next micro-batches from the cursor; empty or refused batches are counted and skipped.
    function readMicroBatches(epochOrderNow: Int32Array): MicroBatch[] {
      const micro: MicroBatch[] = [];
      for (let a = 0; a < rel.guard.accumulate && cur.cursor < train.n; a++) {
        const batch = gatherBatch(train, epochOrderNow.subarray(cur.cursor, cur.cursor + rel.guard.batchSize), spec.data.amplitude_limit);
        cur.cursor += rel.guard.batchSize;
        cur.skipped_windows += batch.dropped;
        if (batch.n === 0 || !rel.admit(step + 1, a, batch)) {
          cur.skipped_batches++;
          continue;
        }
        micro.push({ batch, draws: objective.draw(batch, rng) });
      }
      return micro;
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
  const source = await openDataSource(req.spec.data, { cwd: req.cwd, seed, select: req.spec.task });
  return prepareWindows(source, req.spec.data, seed);
}

/** A validation's losses as optional step-event fields. */
function validationFields(v: ValidationResult): Pick<StepEvent, 'val_flow_loss' | 'val_contrastive_loss' | 'val_total_loss'> {
  return { val_flow_loss: v.flow, val_total_loss: v.total, ...(v.contrastive !== null ? { val_contrastive_loss: v.contrastive } : {}) };
}

/** Adds one counted step's losses to the epoch's running sums in the cursor. */
function addToEpochSums(cur: TrainCursor, parts: StepResult['parts']): void {
  cur.loss_sum += parts.flow;
  cur.con_sum += parts.contrastive ?? 0;
  cur.total_sum += parts.total;
  cur.loss_count++;
}

/** A step event's payload: losses, weights, the update's lr and norm, throughput, memory, and a validation when one ran now. */
function stepEvent(
  epoch: number, result: StepResult, update: { lr: number; norm: number }, objective: JointObjective,
  rate: number, stepsLeft: number, totalSteps: number, validation: ValidationResult | null,
): Omit<StepEvent, 'run_id' | 'step' | 'time'> {
  const { parts } = result;
  return {
    event: 'step', epoch, flow_loss: parts.flow, total_loss: parts.total, flow_weight: parts.weights.flow,
    contrastive_weight: objective.contrastive ? parts.weights.contrastive : 0, lr: update.lr, grad_norm: update.norm, steps_per_s: rate,
    num_tensors: tf.memory().numTensors, rss_mb: rssMb(), eta_s: stepsLeft / Math.max(rate, 1e-9),
    total_steps: totalSteps,
    ...(parts.contrastive !== null ? { contrastive_loss: parts.contrastive } : {}),
    ...objective.balancer.logFields(),
    ...(validation ? validationFields(validation) : {}),
  };
}

/** The run's opening events: started, data, and the log lines about data and objective choices. */
function announceRun(
  emit: Emit, runId: string, step: number,
  r: { spec: TrainRequest['spec']; data: PreparedData; engine: ReturnType<typeof chooseEngine>; params: number; totalSteps: number; epochs: number; stepsPerEpoch: number; stopper: EarlyStopping | null },
): void {
  const { spec, data, engine, totalSteps, epochs, stepsPerEpoch, stopper } = r;
  const { task } = spec;
  const train = data.train;
  const { length, channels } = train;
  emit(stamp(runId, step, {
    event: 'started', backend: engine.name, backend_skipped: engine.skipped, backend_threads: engine.threads, versions: engine.versions,
    params: r.params, total_steps: totalSteps, epochs, steps_per_epoch: stepsPerEpoch,
  }));
  emit(stamp(runId, step, {
    event: 'data', manifest_hash: data.manifestHash, files: data.files.length,
    windows: { train: train.n, val: data.val.n, test: data.test.n }, window_length: length, channels,
    classes: data.classNames, domains: data.domainNames, datasets: data.datasetNames, skipped_windows: data.skippedWindows,
  }));
  // What the data preparation decided or doubts (mixed rates resampled, datasets left out, confounds).
  for (const w of data.warnings) emit(stamp(runId, step, { event: 'log', level: 'warn', message: `data: ${w}` }));
  if (data.datasetNames.length > 1) {
    const conditioned = task.use_conditional && spec.model.conditions.includes('dataset');
    emit(stamp(runId, step, {
      event: 'log', level: conditioned ? 'info' : 'warn',
      message: `data: ${data.datasetNames.length} datasets (${data.datasetNames.join(', ')}), sampled in equal shares per batch; ` +
        (conditioned ? 'the dataset id is a condition' : 'the dataset id is NOT a condition (add dataset to model.conditions)'),
    }));
  }
  if (task.use_contrastive) {
    emit(stamp(runId, step, { event: 'log', level: 'info', message: `objective: flow + contrastive (NT-Xent τ=${task.temperature}), balancing ${task.balancing}` }));
  } else if (balancingIgnored(task)) {
    emit(stamp(runId, step, { event: 'log', level: 'warn', message: `task.balancing=${task.balancing} needs task.use_contrastive: true; training the flow objective alone` }));
  }
  if (task.early_stopping && !stopper) {
    emit(stamp(runId, step, { event: 'log', level: 'warn', message: 'task.early_stopping is on but there are no validation windows: it cannot trigger' }));
  }
}

/** The epoch event from the epoch's running sums in the cursor and its last validation. */
function epochEvent(
  cur: TrainCursor, epochs: number, trainFlow: number, trainTotal: number, objective: JointObjective,
  lastValidation: ValidationResult | null, stopper: EarlyStopping | null, epochStart: number,
): Omit<EpochEvent, 'run_id' | 'step' | 'time'> {
  const weights = objective.balancer.weights();
  return {
    event: 'epoch', epoch: cur.epoch, epochs, train_flow_loss: trainFlow, train_total_loss: trainTotal,
    val_flow_loss: cur.last_val,
    ...(objective.contrastive ? { train_contrastive_loss: cur.con_sum / cur.loss_count, flow_weight: weights.flow, contrastive_weight: weights.contrastive } : {}),
    ...(lastValidation?.contrastive != null ? { val_contrastive_loss: lastValidation.contrastive } : {}),
    ...(lastValidation ? { val_total_loss: lastValidation.total } : {}),
    ...(stopper ? { es_bad_checks: stopper.getState().bad } : {}),
    skipped_batches: cur.skipped_batches, skipped_windows: cur.skipped_windows,
    num_tensors: tf.memory().numTensors, seconds: (performance.now() - epochStart) / 1000,
  };
}
