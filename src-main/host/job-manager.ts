/**
 * The job manager: starts training jobs in the engine process, tracks the active ones,
 * forwards every engine event to subscribers (IPC windows, WebSocket clients) and stops
 * them on request. One instance per host (Electron main, `flowbench serve`), passed in.
 *
 * A crashed or killed engine never takes the host down: runTrainJob marks the run failed,
 * records an `engine_crash` event and emits a synthetic `finished` event, which is
 * forwarded like any other.
 */
import type { RunSpec } from '../config/schema.js';
import type { EngineEvent, FinishedEvent } from '../engine/protocol.js';
import type { Store } from '../store/index.js';
import type { EngineHandle } from './engine-process.js';
import { runTrainJob } from './train-job.js';

export interface ActiveRun {
  id: string;
  startedAt: string;
  /** Engine process id (null once it is gone or when unknown). */
  pid: number | null;
}

export interface JobManager {
  /** Records the run and starts its engine; resolves with the run id once the engine runs. Rejects on bad data input. */
  startRun(spec: RunSpec): Promise<string>;
  /** Asks an active run to stop gracefully; false when it is not active here. */
  stopRun(runId: string, reason?: string): boolean;
  /** Ends an active run's engine at once (SIGKILL); false when it is not active. */
  killRun(runId: string): boolean;
  isActive(runId: string): boolean;
  active(): ActiveRun[];
  /** Resolves with the run's finished event (at once for a run that is not active: null). */
  whenFinished(runId: string): Promise<FinishedEvent | null>;
  /** Every engine event of every active run, after it is persisted; returns the unsubscribe function. */
  onEvent(cb: (event: EngineEvent) => void): () => void;
  /** Stops every active run and waits for them to end. */
  close(): Promise<void>;
}

export interface JobManagerOptions {
  store: Store;
  /** Folder of run folders (`<workdir>/<run_id>/`). */
  workdir: string;
  /** Folder a relative data.path is resolved against. */
  cwd: string;
  env?: NodeJS.ProcessEnv;
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

  return {
    startRun(spec) {
      return new Promise<string>((resolve, reject) => {
        let startedId: string | null = null;
        let resolveDone!: (f: FinishedEvent) => void;
        const done = new Promise<FinishedEvent>((r) => (resolveDone = r));
        const job = runTrainJob({
          store: options.store,
          spec,
          workdir: options.workdir,
          cwd: options.cwd,
          env: options.env,
          onEvent: emit,
          onStart: (handle, runId) => {
            startedId = runId;
            jobs.set(runId, { info: { id: runId, startedAt: new Date().toISOString(), pid: handle.pid ?? null }, handle, done });
            resolve(runId);
          },
        });
        job.then(
          (result) => {
            jobs.delete(result.runId);
            resolveDone(result.finished);
          },
          (err: unknown) => {
            // Before the engine started this is bad input (wrong path, broken manifest).
            if (startedId === null) return reject(err);
            console.error(`flowbench: training job ${startedId} failed after it started:`, err);
            jobs.delete(startedId);
            resolveDone({
              event: 'finished', run_id: startedId, step: 0, time: new Date().toISOString(),
              status: 'failed', reason: `host error: ${err instanceof Error ? err.message : String(err)}`, seconds: 0,
            });
          },
        );
      });
    },

    stopRun(runId, reason = 'stopped from the app') {
      const job = jobs.get(runId);
      if (!job) return false;
      job.handle.requestStop(reason);
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
