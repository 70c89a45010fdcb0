/**
 * Starts the engine in its own process and turns its messages into typed events.
 *
 * The process comes from an EngineLauncher (engine-launcher.ts): fork + tsx for the CLI
 * and tests, utilityProcess under Electron. A crash, an OOM kill
 * or a `kill -9` of the engine never takes the host down: `done` resolves with how it
 * ended, and a run whose engine vanished without a `finished` event is reported as such.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { engineEventSchema, type EngineEvent, type HostMessage, type LogEvent } from '../../engine/protocol/index.js';
import { defaultLauncher, type EngineLauncher } from './engine-launcher.js';

export interface EngineExit {
  /** The engine's own `finished` event, if it sent one before exiting. */
  finished: Extract<EngineEvent, { event: 'finished' }> | null;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** Last lines the engine wrote to stderr (for a crash report). */
  stderrTail: string;
}

export interface EngineHandle {
  readonly pid: number | undefined;
  /** Asks the engine to stop gracefully (it writes a final checkpoint, then exits). */
  requestStop(reason?: string): void;
  /** Pauses (true) or continues (false) a training run between steps. */
  setPaused(paused: boolean): void;
  /** Ends the engine process at once. */
  kill(signal?: NodeJS.Signals): void;
  readonly done: Promise<EngineExit>;
}

export interface StartEngineOptions {
  /** Every event, in order, as it arrives. */
  onEvent: (event: EngineEvent) => void;
  /** File that receives the engine's stderr (diagnostics); null keeps only the tail. */
  stderrLog?: string | null;
  env?: NodeJS.ProcessEnv;
  /** What starts the process; default the fork launcher. */
  launcher?: EngineLauncher;
}

const STDERR_TAIL_CHARS = 4000;

export function startEngine(message: HostMessage, options: StartEngineOptions): EngineHandle {
  const child = (options.launcher ?? defaultLauncher).start(message, { env: options.env });

  let finished: EngineExit['finished'] = null;
  let stderrTail = '';
  let log: WriteStream | null = options.stderrLog ? createWriteStream(options.stderrLog, { flags: 'a' }) : null;

  child.onStderr((chunk) => {
    log?.write(chunk);
    stderrTail = (stderrTail + chunk.toString('utf8')).slice(-STDERR_TAIL_CHARS);
  });
  child.onMessage((raw) => {
    const checked = checkEngineEvent(raw);
    if (checked === null) return;
    if ('problem' in checked) {
      stderrTail = (stderrTail + `\n${checked.problem.message}`).slice(-STDERR_TAIL_CHARS);
      options.onEvent(checked.problem);
      return;
    }
    const event = checked.event;
    if (event.event === 'finished') finished = event;
    options.onEvent(event);
  });

  const done = new Promise<EngineExit>((resolve) => {
    child.onExit(({ exitCode, signal, error }) => {
      if (error) stderrTail += `\n${error}`;
      const closeLog = log;
      log = null;
      const result = { finished, exitCode, signal, stderrTail };
      if (closeLog) closeLog.end(() => resolve(result));
      else resolve(result);
    });
  });

  return {
    get pid() {
      return child.pid;
    },
    requestStop(reason) {
      if (child.connected) child.send({ type: 'stop', reason } satisfies HostMessage);
    },
    setPaused(paused) {
      if (child.connected) child.send({ type: paused ? 'pause' : 'continue' } satisfies HostMessage);
    },
    kill(signal = 'SIGKILL') {
      child.kill(signal);
    },
    done,
  };
}

/**
 * An engine message checked against the protocol (engine/protocol/events.ts) where it
 * crosses: the event with undeclared fields dropped, or an error `log` event naming what
 * does not match, or null for a message that is not an event at all.
 */
export function checkEngineEvent(raw: unknown): { event: EngineEvent } | { problem: LogEvent } | null {
  if (!raw || typeof raw !== 'object' || typeof (raw as { event?: unknown }).event !== 'string') return null;
  const parsed = engineEventSchema.safeParse(raw);
  if (parsed.success) return { event: parsed.data };
  const r = raw as { event: string; run_id?: unknown; step?: unknown; time?: unknown };
  const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(event)'}: ${i.message}`).join('; ');
  return {
    problem: {
      event: 'log', level: 'error', message: `engine event "${r.event}" does not match the protocol (engine/protocol/events.ts): ${issues}`,
      run_id: String(r.run_id ?? ''), step: typeof r.step === 'number' ? r.step : 0, time: typeof r.time === 'string' ? r.time : new Date().toISOString(),
    },
  };
}
