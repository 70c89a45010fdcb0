/**
 * The engine under Electron: utilityProcess.fork of the bundled engine entry
 * (out/main/engine.js, built by electron-vite beside index.js). A utility process is a
 * Node process of its own: a crash, an OOM kill or an abort there ends only it, and
 * the job manager marks the run failed and offers resume (train-job.ts). The engine reads
 * its job from process.parentPort (engine/process.ts); messages are structured clones.
 */
import { utilityProcess, type UtilityProcess } from 'electron';
import type { HostMessage } from '../engine/protocol/index.js';
import type { EngineLauncher, EngineProcess, EngineProcessExit } from '../host/engine-link/engine-launcher.js';

/** Exit code Electron reports when the utility process was killed (no signal is given). */
const KILLED = 'SIGKILL' as const;

export function createUtilityLauncher(entry: string): EngineLauncher {
  return {
    start(message: HostMessage, options = {}): EngineProcess {
      const child: UtilityProcess = utilityProcess.fork(entry, [], {
        env: { ...process.env, ...options.env } as Record<string, string>,
        stdio: ['ignore', 'ignore', 'pipe'],
        serviceName: 'Flowbench engine',
      });
      let alive = true;
      let killed = false;
      let fatal: string | undefined;
      const exitCbs: ((e: EngineProcessExit) => void)[] = [];
      child.on('error', (type, location) => {
        fatal = `${type} at ${location}`;
      });
      child.on('exit', (code) => {
        alive = false;
        // Let messages and stderr already queued on the event loop land first.
        setImmediate(() => {
          const exit: EngineProcessExit = { exitCode: killed ? null : code, signal: killed ? KILLED : null, ...(fatal ? { error: fatal } : {}) };
          for (const cb of exitCbs) cb(exit);
        });
      });
      child.postMessage(message);
      return {
        get pid() {
          return child.pid;
        },
        get connected() {
          return alive;
        },
        send(msg) {
          if (alive) child.postMessage(msg);
        },
        kill() {
          if (!alive) return;
          killed = true;
          child.kill();
        },
        onMessage: (cb) => void child.on('message', cb),
        onStderr: (cb) => void child.stderr?.on('data', (chunk: Buffer | string) => cb(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk))),
        onExit: (cb) => void exitCbs.push(cb),
      };
    },
  };
}
