/**
 * Starts the engine in its own process and turns its messages into typed events.
 *
 * The engine is forked (child_process) with tsx so the same TypeScript runs under the CLI
 * and tests; Electron will start the same entry with utilityProcess. A crash, an OOM kill
 * or a `kill -9` of the engine never takes the host down: `done` resolves with how it
 * ended, and a run whose engine vanished without a `finished` event is reported as such.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import type { EngineEvent, HostMessage } from '../engine/protocol.js';
import { engineEntry, packageRoot } from './paths.js';

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
}

const STDERR_TAIL_CHARS = 4000;

export function startEngine(message: HostMessage, options: StartEngineOptions): EngineHandle {
  const child: ChildProcess = fork(engineEntry, [], {
    cwd: packageRoot,
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    env: { ...process.env, ...options.env },
    serialization: 'advanced',
  });

  let finished: EngineExit['finished'] = null;
  let stderrTail = '';
  let log: WriteStream | null = options.stderrLog ? createWriteStream(options.stderrLog, { flags: 'a' }) : null;

  child.stderr?.on('data', (chunk: Buffer) => {
    log?.write(chunk);
    stderrTail = (stderrTail + chunk.toString('utf8')).slice(-STDERR_TAIL_CHARS);
  });
  child.on('message', (raw) => {
    const event = raw as EngineEvent;
    if (!event || typeof event !== 'object' || typeof (event as { event?: unknown }).event !== 'string') return;
    if (event.event === 'finished') finished = event;
    options.onEvent(event);
  });

  const done = new Promise<EngineExit>((resolve) => {
    let settled = false;
    const settle = (exitCode: number | null, signal: NodeJS.Signals | null) => {
      if (settled) return;
      settled = true;
      const closeLog = log;
      log = null;
      const result = { finished, exitCode, signal, stderrTail };
      if (closeLog) closeLog.end(() => resolve(result));
      else resolve(result);
    };
    // 'close' fires after stdio and IPC are drained, so every sent event has arrived.
    child.on('close', (code, signal) => settle(code, signal));
    child.on('error', (err) => {
      stderrTail += `\n${String(err)}`;
      settle(null, null);
    });
  });

  child.send(message);

  return {
    pid: child.pid,
    requestStop(reason) {
      if (child.connected) child.send({ type: 'stop', reason } satisfies HostMessage);
    },
    kill(signal = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
    done,
  };
}
