/**
 * The job manager: starts training jobs in the engine process, tracks the active ones,
 * forwards every engine event to subscribers (IPC windows, WebSocket clients) and stops
 * them on request. One instance per host (Electron main, `flowbench serve`), passed in.
 *
 * A crashed or killed engine never takes the host down: runTrainJob marks the run failed,
 * records an `engine_crash` event and emits a synthetic `finished` event, which is
 * forwarded like any other.
 */
import type { RunSpec } from '../../config/schema.js';
import type { EngineEvent, FinishedEvent } from '../../engine/protocol/index.js';
import type { Store } from '../../store/index.js';
import type { EngineLauncher } from '../engine-link/engine-launcher.js';
import type { EngineHandle } from '../engine-link/engine-process.js';
import type { Scale } from '../../config/enums.js';
import { runEvaluateJob, type EvaluateJobResult } from '../evaluate/evaluate-job.js';
import { runResumeJob } from '../train/resume-job.js';
import { runSampleJob, type SampleJobResult } from '../sample/sample-job.js';
import { timeSteps } from './step-timing.js';
import type { StepTiming } from './run-draft.js';
import { runTrainJob, type TrainJobOptions, type TrainJobResult } from '../train/train-job.js';

export interface ActiveRun {
  id: string;
  startedAt: string;
  /** Engine process id (null once it is gone or when unknown). */
  pid: number | null;
  /** The engine confirmed it is paused between steps (its `paused` event). */
  paused: boolean;
}

export interface JobManager {
  /** Records the run and starts its engine; resolves with the run id once the engine runs. Rejects on bad data input. */
  startRun(spec: RunSpec): Promise<string>;
  /**
   * Continues a failed / stopped / interrupted run under the same id from its newest
   * verified stable checkpoint (host/train/resume-job.ts); resolves with the id once the engine
   * runs. Rejects (ResumeError) when the run cannot be resumed.
   */
  resumeRun(runRef: string): Promise<string>;
  /** Asks an active run to stop gracefully; false when it is not active here. */
  stopRun(runId: string, reason?: string): boolean;
  /**
   * Pauses (true) or continues (false) an active run between steps; false when it is not
   * active here. The engine confirms with a `paused` event, which sets ActiveRun.paused.
   */
  setPaused(runId: string, paused: boolean): boolean;
  /** Ends an active run's engine at once (SIGKILL); false when it is not active. */
  killRun(runId: string): boolean;
  isActive(runId: string): boolean;
  active(): ActiveRun[];
  /** Resolves with the run's finished event (at once for a run that is not active: null). */
  whenFinished(runId: string): Promise<FinishedEvent | null>;
  /**
   * Every engine event of every active run, after it is persisted; `finished` comes last,
   * once the run's final status is in the store. Returns the unsubscribe function.
   */
  onEvent(cb: (event: EngineEvent) => void): () => void;
  /** Stops every active run and waits for them to end. */
  close(): Promise<void>;
  /**
   * Scores a finished run (`flowbench evaluate`); its `evaluation` events (the figure tables
   * left out) go to onEvent subscribers as progress. One evaluation per run at a time.
   */
  evaluateRun(runRef: string, scale: Scale, sections?: string[]): Promise<EvaluateJobResult>;
  /** Generates `count` windows from the run's checkpoint into outPath (`flowbench sample`). */
  sampleRun(runRef: string, count: number, outPath: string): Promise<SampleJobResult>;
  /** Times a few steps of the spec's model in an engine process (step-timing.ts). */
  timeSteps(spec: RunSpec): Promise<StepTiming & { stepsTimed: number }>;
}

export interface JobManagerOptions {
  store: Store;
  /** Folder of run folders (`<workdir>/<run_id>/`). */
  workdir: string;
  /** Folder a relative data.path is resolved against. */
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** What starts engine processes (default: fork + tsx; Electron main passes utilityProcess). */
  launcher?: EngineLauncher;
}

interface Job {
  info: ActiveRun;
  handle: EngineHandle;
  done: Promise<FinishedEvent>;
}

export function createJobManager(options: JobManagerOptions): JobManager {
  const jobs = new Map<string, Job>();
  const listeners = new Set<(event: EngineEvent) => void>();

  const emit = (event: EngineEvent): void => {
    for (const cb of [...listeners]) {
      try {
        cb(event);
      } catch (err) {
        // A broken subscriber (a closed socket) must not stop persistence or the others.
        console.error('flowbench: a run-event subscriber failed:', err);
      }
    }
  };

  type Hooks = Required<Pick<TrainJobOptions, 'onEvent' | 'onStart'>>;

  /** Runs a job, tracking it from engine start to end; resolves with the run id once the engine runs. */
  function track(job: (hooks: Hooks) => Promise<TrainJobResult>): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      let startedId: string | null = null;
      let resolveDone!: (f: FinishedEvent) => void;
      const done = new Promise<FinishedEvent>((r) => (resolveDone = r));
      const onStart: Hooks['onStart'] = (handle, runId) => {
        startedId = runId;
        jobs.set(runId, { info: { id: runId, startedAt: new Date().toISOString(), pid: handle.pid ?? null, paused: false }, handle, done });
        resolve(runId);
      };
      // `finished` is held back until the job has closed the run in the store, so a
      // subscriber that re-reads the history on `finished` sees the final status.
      const onEvent: Hooks['onEvent'] = (e) => {
        if (e.event === 'paused') {
          const job = jobs.get(e.run_id);
          if (job) job.info.paused = e.paused;
        }
        if (e.event !== 'finished') emit(e);
      };
      let running: Promise<TrainJobResult>;
      try {
        running = job({ onEvent, onStart });
      } catch (err) {
        return reject(err);
      }
      running.then(
        (result) => {
          jobs.delete(result.runId);
          emit(result.finished);
          resolveDone(result.finished);
        },
        (err: unknown) => {
          // Before the engine started this is bad input (wrong path, broken manifest, nothing to resume).
          if (startedId === null) return reject(err);
          console.error(`flowbench: training job ${startedId} failed after it started:`, err);
          jobs.delete(startedId);
          const finished: FinishedEvent = {
            event: 'finished', run_id: startedId, step: 0, time: new Date().toISOString(),
            status: 'failed', reason: `host error: ${err instanceof Error ? err.message : String(err)}`, seconds: 0,
          };
          emit(finished);
          resolveDone(finished);
        },
      );
    });
  }

  const scoring = new Set<string>();
  /** A run being trained here cannot be evaluated or sampled yet; nor evaluated twice at once. */
  const claim = (what: string, runId: string): void => {
    if (jobs.has(runId)) throw new Error(`${what}: run ${runId} is still training; wait until it has finished`);
    if (scoring.has(runId)) throw new Error(`${what}: run ${runId} is already being evaluated or sampled`);
    scoring.add(runId);
  };

  return {
    async evaluateRun(runRef, scale, sections) {
      const runId = options.store.runs.resolveId(runRef);
      claim('evaluateRun', runId);
      try {
        return await runEvaluateJob({
          store: options.store, runRef: runId, scale, sections, cwd: options.cwd, launcher: options.launcher,
          onEvent: (e) => {
            if (e.event !== 'evaluation') return;
            emit(e.section === 'figures' ? { ...e, results: {} } : e);
          },
        });
      } finally {
        scoring.delete(runId);
      }
    },

    async sampleRun(runRef, count, outPath) {
      const runId = options.store.runs.resolveId(runRef);
      claim('sampleRun', runId);
      try {
        return await runSampleJob({ store: options.store, runRef: runId, count, outPath, seed: 0, launcher: options.launcher });
      } finally {
        scoring.delete(runId);
      }
    },

    timeSteps: (spec) => timeSteps(spec, { launcher: options.launcher, env: options.env }),

    startRun(spec) {
      return track((hooks) => runTrainJob({ store: options.store, spec, workdir: options.workdir, cwd: options.cwd, env: options.env, launcher: options.launcher, ...hooks }));
    },

    resumeRun(runRef) {
      return track((hooks) => runResumeJob({ store: options.store, runRef, workdir: options.workdir, env: options.env, launcher: options.launcher, ...hooks }));
    },

    stopRun(runId, reason = 'stopped from the app') {
      const job = jobs.get(runId);
      if (!job) return false;
      job.handle.requestStop(reason);
      return true;
    },

    setPaused(runId, paused) {
      const job = jobs.get(runId);
      if (!job) return false;
      job.handle.setPaused(paused);
      return true;
    },

    killRun(runId) {
      const job = jobs.get(runId);
      if (!job) return false;
      job.handle.kill('SIGKILL');
      return true;
    },

    isActive: (runId) => jobs.has(runId),
    active: () => [...jobs.values()].map((j) => ({ ...j.info })),

    async whenFinished(runId) {
      const job = jobs.get(runId);
      return job ? job.done : null;
    },

    onEvent(cb) {
      listeners.add(cb);
      return () => {
        listeners.delete(cb);
      };
    },

    async close() {
      const pending = [...jobs.values()];
      for (const j of pending) j.handle.requestStop('host shutting down');
      await Promise.all(pending.map((j) => j.done));
    },
  };
}
