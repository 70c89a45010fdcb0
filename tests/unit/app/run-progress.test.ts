/**
 * getRunProgress and deleteRun against a real engine process and a real SQLite file: a
 * reopened run's tiles (step / total, ETA, phase) and last preview come from its
 * events.jsonl, and Delete can remove the run folder.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../../src-main/engine/protocol/index.js';
import { createApiHandlers, type ApiHandlers } from '../../../src-main/host/app/api-handlers.js';
import { resolveDraft } from '../../../src-main/host/app/run-draft.js';
import { runProgress } from '../../../src-main/host/runs/run-progress.js';
import { closeJobFixture, openJobFixture, type JobFixture } from './job-fixture.js';

const TINY = ['data.window_length=256', 'data.stride=128', 'model.hidden_dim=64', 'trainer.steps_per_epoch=4', 'trainer.log_every_n_steps=1', 'data.max_windows_per_file=8', 'trainer.preview_every_n_steps=2'];
const spec = (sets: string[]) => resolveDraft({ scale: 'quick', sets: [...TINY, ...sets] }, process.cwd()).spec;

let fx: JobFixture;
let api: ApiHandlers;
beforeEach(() => {
  fx = openJobFixture('flowbench-progress-');
  api = createApiHandlers(fx.store, { jobs: fx.jobs });
});
afterEach(() => closeJobFixture(fx));

describe('getRunProgress on a real run', { timeout: 240_000 }, () => {
  it('loading before the engine starts, then step / total and preview while training, and the same totals once stopped', async () => {
    const seen: EngineEvent[] = [];
    fx.jobs.onEvent((e) => seen.push(e));
    const id = await fx.jobs.startRun(spec(['task.epochs=100']));
    // Nothing yields between this check and the handler's synchronous read of events.jsonl.
    if (!seen.some((e) => e.event === 'started')) expect((await api.getRunProgress({ id })).phase).toBe('loading');
    await new Promise<void>((r) => fx.jobs.onEvent((e) => e.event === 'preview' && e.run_id === id && r()));
    await new Promise<void>((r) => fx.jobs.onEvent((e) => e.event === 'step' && e.run_id === id && r()));
    const live = await api.getRunProgress({ id });
    const started = seen.find((e) => e.event === 'started' && e.run_id === id) as Extract<EngineEvent, { event: 'started' }>;
    expect(live.phase).toBe('training');
    expect(started.total_steps).toBe(100 * started.steps_per_epoch);
    expect(live.totalSteps).toBe(started.total_steps);
    expect(live.epochs).toBe(100);
    expect(live.step).toBeGreaterThan(0);
    expect(live.since).not.toBeNull();
    expect(live.preview).toMatchObject({ event: 'preview', run_id: id });
    expect(Array.isArray(live.preview?.generated)).toBe(true);

    fx.jobs.stopRun(id);
    expect((await fx.jobs.whenFinished(id))?.status).toBe('stopped');
    const ended = await api.getRunProgress({ id: id.slice(0, 6) });
    // The reopened stopped run: its real total, not "?"; no ETA for a run that is not running.
    expect(ended).toMatchObject({ id, phase: 'ended', totalSteps: started.total_steps, epochs: 100, etaS: null, since: null });
    const lastStep = seen.filter((e) => e.event === 'step' && e.run_id === id).at(-1)!.step;
    expect(ended.step).toBe(lastStep);
    expect(ended.preview?.step).toBe(seen.filter((e) => e.event === 'preview').at(-1)!.step);
  });

  it('deleteRun keeps the run folder unless asked, and removes it when asked', async () => {
    const a = await fx.jobs.startRun(spec(['task.epochs=1']));
    const b = await fx.jobs.startRun(spec(['task.epochs=1']));
    await fx.jobs.whenFinished(a);
    await fx.jobs.whenFinished(b);
    const folderA = fx.store.runs.get(a)!.workdir;
    const folderB = fx.store.runs.get(b)!.workdir;
    expect(existsSync(path.join(folderA, 'events.jsonl'))).toBe(true);
    expect(await api.deleteRun({ id: a })).toEqual({ id: a, deleted: true, folder: path.resolve(folderA), folderRemoved: false });
    expect(existsSync(folderA)).toBe(true);
    expect(await api.deleteRun({ id: b, removeFolder: true })).toEqual({ id: b, deleted: true, folder: path.resolve(folderB), folderRemoved: true });
    expect(existsSync(folderB)).toBe(false);
    expect(fx.store.runs.get(b)).toBeUndefined();
  });
});

describe('runProgress from a recorded log', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'flowbench-log-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const write = (events: object[], torn = '') => writeFileSync(path.join(dir, 'events.jsonl'), events.map((e) => JSON.stringify(e)).join('\n') + '\n' + torn);

  it('a resumed run is loading until its new engine starts; a torn last line is skipped; a pause reads paused', () => {
    const first = [
      { event: 'started', step: 0, time: '2026-01-01T00:00:00.000Z', total_steps: 80, epochs: 10 },
      { event: 'step', step: 16, epoch: 2, eta_s: 30, time: '2026-01-01T00:00:05.000Z' },
    ];
    write(first, '{"event":"step","step":17,"ep');
    const resuming = runProgress({ id: 'r', runDir: dir, recordedStep: 16, active: { since: '2026-01-01T00:10:00.000Z', paused: false } });
    expect(resuming).toMatchObject({ phase: 'loading', step: 16, totalSteps: 80, epoch: 2, etaS: null });
    write([...first, { event: 'started', step: 16, time: '2026-01-01T00:10:20.000Z', total_steps: 80, epochs: 10 },
      { event: 'step', step: 20, epoch: 3, eta_s: 12, time: '2026-01-01T00:10:21.000Z' }]);
    expect(runProgress({ id: 'r', runDir: dir, recordedStep: 16, active: { since: '2026-01-01T00:10:00.000Z', paused: false } }))
      .toMatchObject({ phase: 'training', step: 20, etaS: 12 });
    write([...first, { event: 'started', step: 16, time: '2026-01-01T00:10:20.000Z', total_steps: 80, epochs: 10 },
      { event: 'paused', step: 16, paused: true, time: '2026-01-01T00:10:21.000Z' }]);
    expect(runProgress({ id: 'r', runDir: dir, recordedStep: 16, active: { since: '2026-01-01T00:10:00.000Z', paused: false } }).phase).toBe('paused');
    rmSync(path.join(dir, 'events.jsonl'));
    expect(runProgress({ id: 'r', runDir: dir, recordedStep: 5, active: null })).toMatchObject({ phase: 'ended', step: 5, totalSteps: null, preview: null });
  });
});
