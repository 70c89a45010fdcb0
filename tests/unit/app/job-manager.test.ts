/** The job manager with a real engine process and a real SQLite file (no mocks). */
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { EngineEvent } from '../../../src-main/engine/protocol/index.js';
import type { JobManager } from '../../../src-main/host/app/job-manager.js';
import { resolveDraft } from '../../../src-main/host/app/run-draft.js';
import type { Store } from '../../../src-main/store/index.js';
import { closeJobFixture, openJobFixture } from './job-fixture.js';

const TINY = ['data.window_length=256', 'data.stride=128', 'model.hidden_dim=64', 'trainer.steps_per_epoch=4', 'trainer.log_every_n_steps=1', 'data.max_windows_per_file=8'];

let home: string;
let store: Store;
let jobs: JobManager;

beforeEach(() => {
  ({ home, store, jobs } = openJobFixture('flowbench-jobs-'));
});
afterEach(() => closeJobFixture({ home, store, jobs }));

const spec = (sets: string[]) => resolveDraft({ scale: 'quick', sets: [...TINY, ...sets] }, process.cwd()).spec;

// Real engine processes: slow when the whole suite shares two cores.
describe('createJobManager', { timeout: 240_000 }, () => {
  it('runs a job, forwards every event in order and forgets the run when it ends', async () => {
    const events: EngineEvent[] = [];
    jobs.onEvent((e) => events.push(e));
    const id = await jobs.startRun(spec(['task.epochs=2']));
    expect(jobs.isActive(id)).toBe(true);
    expect(jobs.active().map((a) => a.id)).toEqual([id]);
    const finished = await jobs.whenFinished(id);
    expect(finished?.status).toBe('completed');
    expect(jobs.isActive(id)).toBe(false);
    expect(events[0].event).toBe('started');
    expect(events.at(-1)?.event).toBe('finished');
    expect(events.filter((e) => e.event === 'step').length).toBeGreaterThan(1);
    expect(events.every((e) => e.run_id === id)).toBe(true);
    expect(store.runs.get(id)?.status).toBe('completed');
  });

  it('stopRun stops an active run gracefully; unknown ids answer false', async () => {
    const id = await jobs.startRun(spec(['task.epochs=100']));
    const firstStep = new Promise<void>((r) => jobs.onEvent((e) => e.event === 'step' && r()));
    await firstStep;
    expect(jobs.stopRun('nope')).toBe(false);
    expect(jobs.stopRun(id)).toBe(true);
    expect((await jobs.whenFinished(id))?.status).toBe('stopped');
    expect(store.runs.get(id)?.status).toBe('stopped');
  });

  it('a killed engine marks the run failed with an engine_crash event, and the host carries on', async () => {
    const seen: EngineEvent[] = [];
    jobs.onEvent((e) => seen.push(e));
    const id = await jobs.startRun(spec(['task.epochs=500']));
    await new Promise<void>((r) => jobs.onEvent((e) => e.event === 'step' && r()));
    expect(jobs.killRun(id)).toBe(true);
    const finished = await jobs.whenFinished(id);
    expect(finished?.status).toBe('failed');
    expect(finished?.reason).toMatch(/engine process ended unexpectedly \(signal SIGKILL\)/);
    expect(seen.at(-1)).toMatchObject({ event: 'finished', status: 'failed', run_id: id });
    expect(store.runs.get(id)?.status).toBe('failed');
    expect(store.events.forRun(id).map((e) => e.kind)).toContain('engine_crash');
    // The host still starts runs afterwards.
    const next = await jobs.startRun(spec(['task.epochs=1']));
    expect((await jobs.whenFinished(next))?.status).toBe('completed');
  });

  it('resumeRun continues a killed run under the same id; a completed run is refused', async () => {
    const id = await jobs.startRun(spec(['task.epochs=100', 'task.checkpoint_interval=4']));
    await new Promise<void>((r) => jobs.onEvent((e) => e.event === 'checkpoint' && e.run_id === id && r()));
    jobs.killRun(id);
    expect((await jobs.whenFinished(id))?.status).toBe('failed');
    const events: EngineEvent[] = [];
    jobs.onEvent((e) => events.push(e));
    expect(await jobs.resumeRun(id)).toBe(id);
    await new Promise<void>((r) => jobs.onEvent((e) => e.event === 'step' && r()));
    jobs.stopRun(id);
    expect((await jobs.whenFinished(id))?.status).toBe('stopped');
    expect(events.every((e) => e.run_id === id)).toBe(true);
    expect(store.runs.get(id)?.status).toBe('stopped');

    const done = await jobs.startRun(spec(['task.epochs=1']));
    await jobs.whenFinished(done);
    await expect(jobs.resumeRun(done)).rejects.toThrow(/already completed/);
  });

  it('rejects bad data input before recording a run', async () => {
    await expect(jobs.startRun(spec(['data.source=files', 'data.path=/no/such/folder']))).rejects.toThrow(/no\/such\/folder/);
    expect(store.runs.list()).toEqual([]);
    expect(jobs.active()).toEqual([]);
  });

  it('a throwing subscriber does not stop the others', async () => {
    let count = 0;
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    jobs.onEvent(() => {
      throw new Error('broken socket');
    });
    jobs.onEvent(() => count++);
    const id = await jobs.startRun(spec(['task.epochs=1']));
    await jobs.whenFinished(id);
    expect(count).toBeGreaterThan(2);
    expect(logged).toHaveBeenCalled();
    logged.mockRestore();
  });
});
