/**
 * Telling a live run from one whose host died. The host that supervises a run's engine
 * records its pid (an event of kind 'host') before the engine starts; a run still
 * 'running' (or 'created') whose host pid no longer exists on this machine was cut off by
 * a kill -9 or a power loss, and is marked 'interrupted' so `runs` shows the truth and
 * `resume` may continue it.
 */
import { hostname } from 'node:os';
import type { RunRow, Store } from '../../store/index.js';

export const HOST_EVENT = 'host';

/** `cwd` is what a relative data.path was resolved against; resume needs the same. */
export function recordHost(store: Store, runId: string, job: 'train' | 'resume', cwd: string): void {
  store.events.insert({ runId, step: 0, kind: HOST_EVENT, details: { pid: process.pid, hostname: hostname(), job, cwd }, outcome: null });
}

/** The cwd the run was first started with (null when not recorded). */
export function recordedCwd(store: Store, runId: string): string | null {
  const first = store.events.forRun(runId).find((e) => e.kind === HOST_EVENT);
  return typeof first?.details.cwd === 'string' ? first.details.cwd : null;
}

/** Whether a process with this pid exists (EPERM: it exists but is not ours). */
export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The live host of `run`, or null when none: no record, or the recorded pid is gone. */
export function liveHost(store: Store, run: RunRow): { pid: number } | null {
  const hosts = store.events.forRun(run.id).filter((e) => e.kind === HOST_EVENT);
  const last = hosts[hosts.length - 1];
  if (!last) return null;
  const pid = Number(last.details.pid);
  // A host on another machine cannot be checked from here: assume it is alive.
  if (last.details.hostname !== undefined && last.details.hostname !== hostname()) return { pid };
  return pidAlive(pid) ? { pid } : null;
}

/** Marks every (or only `onlyRunId`'s) 'running'/'created' run without a live host as 'interrupted'; returns their ids. */
export function reconcileInterrupted(store: Store, onlyRunId?: string): string[] {
  const marked: string[] = [];
  for (const run of store.runs.list({ status: ['running', 'created'], includeArchived: true, limit: 10_000 })) {
    if (onlyRunId !== undefined && run.id !== onlyRunId) continue;
    if (liveHost(store, run)) continue;
    store.runs.update(run.id, {
      status: 'interrupted',
      error: `the host process of this run ended without closing it (killed or power loss); continue it with \`flowbench resume ${run.id}\``,
    });
    store.events.insert({ runId: run.id, step: store.metrics.lastStep(run.id), kind: 'interrupted', details: { previous_status: run.status }, outcome: 'marked interrupted' });
    marked.push(run.id);
  }
  return marked;
}
