/**
 * The engine process entry. The host forks it (`--import tsx`, or utilityProcess.fork of
 * the bundled out/main/engine.js), sends one HostMessage ('train' | 'sample' | …), and may
 * send 'stop', 'pause' and 'continue'. Every EngineEvent goes back via process.send;
 * nothing is printed (stderr only for fatal diagnostics). Exit code: 0 completed,
 * 1 failed, 2 stopped — after every queued IPC message has been flushed.
 */
import { DataError } from '../data/index.js';
import { initBackend } from './backend/select-backend.js';
import { initTrainingBackend } from './native/engine-choice.js';
import { runEvaluation } from './evaluate/run-evaluation.js';
import { runFewShotFinetune } from './evaluate/fewshot-finetune.js';
import { hostMessageSchema, type EngineEvent, type EvaluateRequest, type FewShotRequest, type FinishedEvent, type SampleRequest, type TrainRequest } from './protocol/index.js';
import { acquireRunLock } from './run-lock.js';
import { RequestError } from './request-error.js';
import { runSampling } from './sample.js';
import { runTraining } from './train/loop.js';
import { stamp } from './train/events.js';
import { pauseSwitch, type TrainControl } from './train/pause.js';

/** Anything thrown → an Error; a wasm "out of bounds" from a kernel says what it means. */
function toEngineError(err: unknown): Error {
  const e = err instanceof Error ? err : new Error(String(err));
  if (/memory access out of bounds/i.test(e.message)) {
    return new Error(`out of memory in the compute backend (${e.message}): the model or batch does not fit; use a smaller model.hidden_dim/token_dim/depth or task.batch_size`, { cause: e });
  }
  return e;
}

const EXIT_CODES: Record<FinishedEvent['status'], number> = { completed: 0, failed: 1, stopped: 2 };

/**
 * The channel to the host: child_process IPC (fork) or, under Electron's utilityProcess,
 * process.parentPort (structured clone both ways; postMessage has no delivery callback).
 */
interface ParentPort {
  postMessage(message: unknown): void;
  on(event: 'message', cb: (e: { data: unknown }) => void): void;
}
const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;

if (!process.send && !parentPort) {
  process.stderr.write('flowbench engine: process.ts must be started with child_process.fork or utilityProcess.fork (no IPC channel)\n');
  process.exit(1);
}

const control: TrainControl = { stopRequested: false, pause: null };
const pauser = pauseSwitch(control);
let pending = 0;
let flushed: (() => void) | null = null;
let started = false;
let lastStep = 0;
let runId = 'unknown';

function send(e: EngineEvent): void {
  lastStep = e.step;
  if (parentPort) {
    parentPort.postMessage(e);
    return;
  }
  if (!process.connected) return; // host gone: nobody to tell
  pending++;
  process.send!(e, undefined, {}, () => {
    // Called once the message is handed to the channel (or failed): either way it is done.
    pending--;
    if (pending === 0 && flushed) flushed();
  });
}

function drain(): Promise<void> {
  return pending === 0 ? Promise.resolve() : new Promise((r) => (flushed = r));
}

async function finish(status: FinishedEvent['status']): Promise<never> {
  await drain();
  process.exit(EXIT_CODES[status]);
}

async function run(msg: TrainRequest | SampleRequest | EvaluateRequest | FewShotRequest): Promise<void> {
  runId = typeof msg.run_id === 'string' ? msg.run_id : 'unknown';
  const t0 = performance.now();
  try {
    if (msg.type === 'train') acquireRunLock(msg.run_dir); // released at exit
    // Only the training loop reads tensors asynchronously throughout, so only it may run on webgpu.
    const backend = msg.type === 'train' ? await initTrainingBackend(msg.spec) : await initBackend();
    const finished = msg.type === 'train'
      ? await runTraining(msg, send, control, { backend })
      : msg.type === 'evaluate'
        ? await runEvaluation(msg, send, { backend })
        : msg.type === 'fewshot'
          ? await runFewShotFinetune(msg, send, control, { backend })
          : await runSampling(msg, send, { backend });
    await finish(finished.status);
  } catch (err) {
    const e = toEngineError(err);
    // The stack is for developers (engine.log); the user sees the message only.
    process.stderr.write(`${e.stack ?? e.message}\n`);
    const badInput = e instanceof DataError || e instanceof RequestError;
    send(stamp(runId, lastStep, { event: 'log', level: 'error', message: e.message }));
    send(stamp(runId, lastStep, {
      event: 'finished', status: 'failed', reason: e.message, ...(badInput ? { bad_input: true } : {}), seconds: (performance.now() - t0) / 1000,
    }));
    await finish('failed');
  }
}

function onHostMessage(raw: unknown): void {
  // Checked where it crosses: a message that does not match protocol/host-messages.ts is refused by name.
  const parsed = hostMessageSchema.safeParse(raw);
  if (!parsed.success) {
    const type = typeof (raw as { type?: unknown } | null)?.type === 'string' ? `"${(raw as { type: string }).type}" ` : '';
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(message)'}: ${i.message}`).join('; ');
    send(stamp(runId, lastStep, {
      event: 'log', level: 'warn',
      message: `engine: ignored a ${type}message that is not a HostMessage (valid types: train, sample, evaluate, fewshot, stop, pause, continue): ${issues}`,
    }));
    return;
  }
  const msg = parsed.data;
  if (msg.type === 'pause' || msg.type === 'continue') {
    if (msg.type === 'pause') pauser.pause();
    else pauser.resume();
    return;
  }
  if (msg.type === 'stop') {
    control.stopRequested = true;
    pauser.resume(); // a paused loop wakes up to stop
    if (!started) {
      send(stamp(runId, 0, { event: 'finished', status: 'stopped', reason: msg.reason ?? 'stop requested before any job', seconds: 0 }));
      void finish('stopped');
    }
    return;
  }
  if (started) {
    send(stamp(runId, lastStep, { event: 'log', level: 'warn', message: `engine: already running a job; ignored a second "${msg.type}"` }));
    return;
  }
  started = true;
  void run(msg);
}

if (parentPort) parentPort.on('message', (e) => onHostMessage(e.data));
else process.on('message', onHostMessage);

// The host going away (disconnect: it crashed or was killed) means nothing we do from
// here is recorded. Exit at once: a further checkpoint would be unknown to the database,
// and keep-N pruning could delete the very checkpoint the database would resume from.
// Checkpoint writes are atomic (temp file + rename), so an abrupt exit never tears one.
process.on('disconnect', () => {
  control.stopRequested = true;
  process.exit(EXIT_CODES.stopped);
});
