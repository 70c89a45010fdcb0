/**
 * How the host starts an engine process: the seam between the job code (train-job,
 * resume-job, sample-job, job manager) and the process primitive. The CLI, `flowbench
 * serve` and the tests use the fork launcher (child_process + tsx on the TypeScript
 * entry); Electron main passes its utilityProcess launcher (src-main/electron/), which
 * runs the bundled entry (out/main/engine.js). Both speak the same HostMessage /
 * EngineEvent protocol, structured-clone serialised (NaN survives).
 */
import { fork } from 'node:child_process';
import type { HostMessage } from '../../engine/protocol/index.js';
import { engineEntry, engineExecArgv, packageRoot } from '../paths.js';

export interface EngineProcessExit {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the process could not be started or failed outside its own code. */
  error?: string;
}

/** One started engine process, whatever runs it. */
export interface EngineProcess {
  readonly pid: number | undefined;
  /** False once the channel to the engine is closed (it exited or is exiting). */
  readonly connected: boolean;
  send(message: HostMessage): void;
  /** Ends the process at once (SIGKILL where signals exist). */
  kill(signal?: NodeJS.Signals): void;
  /** Every message the engine posts, in order. */
  onMessage(cb: (raw: unknown) => void): void;
  /** The engine's stderr, as it arrives. */
  onStderr(cb: (chunk: Buffer) => void): void;
  /** Once, after every message the engine sent has been delivered. */
  onExit(cb: (exit: EngineProcessExit) => void): void;
}

export interface LaunchOptions {
  env?: NodeJS.ProcessEnv;
}

export interface EngineLauncher {
  /** Starts the engine and sends it its job message. */
  start(message: HostMessage, options?: LaunchOptions): EngineProcess;
}

/**
 * child_process.fork of the engine entry: the TypeScript one under tsx (tests, sources) or
 * the bundled one (CLI bundle, out/main/engine.js) as plain Node, as utilityProcess runs it.
 */
export function createForkLauncher(entry: string = engineEntry, execArgv: string[] = engineExecArgv): EngineLauncher {
  return {
    start(message, options = {}) {
      const child = fork(entry, [], {
        cwd: packageRoot,
        execArgv,
        stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
        env: { ...process.env, ...options.env },
        serialization: 'advanced',
      });
      let exited = false;
      const exitCbs: ((e: EngineProcessExit) => void)[] = [];
      const settle = (e: EngineProcessExit) => {
        if (exited) return;
        exited = true;
        for (const cb of exitCbs) cb(e);
      };
      // 'close' fires after stdio and IPC are drained, so every sent event has arrived.
      child.on('close', (code, signal) => settle({ exitCode: code, signal }));
      child.on('error', (err) => settle({ exitCode: null, signal: null, error: String(err) }));
      child.send(message);
      return {
        get pid() {
          return child.pid;
        },
        get connected() {
          return child.connected;
        },
        send(msg) {
          if (child.connected) child.send(msg);
        },
        kill(signal = 'SIGKILL') {
          if (child.exitCode === null && child.signalCode === null) child.kill(signal);
        },
        onMessage: (cb) => void child.on('message', cb),
        onStderr: (cb) => void child.stderr?.on('data', cb),
        onExit: (cb) => void exitCbs.push(cb),
      };
    },
  };
}

/** The launcher the CLI and tests get when none is passed. */
export const defaultLauncher: EngineLauncher = createForkLauncher();
