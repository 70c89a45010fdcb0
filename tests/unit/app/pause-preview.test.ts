/**
 * Pause / continue and the generated-vs-real preview, through the job manager with a real
 * engine process and a real SQLite file (no mocks).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EngineEvent, PreviewEvent } from '../../../src-main/engine/protocol/index.js';
import type { JobManager } from '../../../src-main/host/app/job-manager.js';
import { resolveDraft } from '../../../src-main/host/app/run-draft.js';
import type { Store } from '../../../src-main/store/index.js';
import { closeJobFixture, openJobFixture } from './job-fixture.js';

const TINY = [
  'data.window_length=256', 'data.stride=128', 'model.hidden_dim=64', 'trainer.steps_per_epoch=4',
  'trainer.log_every_n_steps=1', 'data.max_windows_per_file=8', 'task.epochs=6', 'trainer.preview_every_n_steps=4',
];

let home: string;
let store: Store;
let jobs: JobManager;

beforeEach(() => {
  ({ home, store, jobs } = openJobFixture('flowbench-pause-'));
});
afterEach(() => closeJobFixture({ home, store, jobs }));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('pause, continue and previews of a live run', { timeout: 120_000 }, () => {
  it('a paused run takes no steps until it is continued, then completes; previews arrive and are not metrics', async () => {
    const events: EngineEvent[] = [];
    const waiters: { test: (e: EngineEvent) => boolean; resolve: () => void }[] = [];
    jobs.onEvent((e) => {
      events.push(e);
      for (const w of [...waiters]) if (w.test(e)) (waiters.splice(waiters.indexOf(w), 1), w.resolve());
    });
    const when = (test: (e: EngineEvent) => boolean) => new Promise<void>((resolve) => waiters.push({ test, resolve }));

    const id = await jobs.startRun(resolveDraft({ scale: 'quick', sets: TINY }, process.cwd()).spec);
    await when((e) => e.event === 'step' && e.step >= 2);
    expect(jobs.setPaused('nope', true)).toBe(false);
    const pausedEvent = when((e) => e.event === 'paused' && e.paused);
    expect(jobs.setPaused(id, true)).toBe(true);
    await pausedEvent;
    expect(jobs.active().find((a) => a.id === id)?.paused).toBe(true);
    const stepsAtPause = events.filter((e) => e.event === 'step').length;
    await sleep(1200);
    expect(events.filter((e) => e.event === 'step').length).toBe(stepsAtPause);
    expect(jobs.isActive(id)).toBe(true);

    const continued = when((e) => e.event === 'paused' && !e.paused);
    expect(jobs.setPaused(id, false)).toBe(true);
    await continued;
    expect(jobs.active().find((a) => a.id === id)?.paused).toBe(false);
    const finished = await jobs.whenFinished(id);
    expect(finished?.status).toBe('completed');
    const total = (events.find((e) => e.event === 'started') as { total_steps: number }).total_steps;
    expect(total).toBeGreaterThanOrEqual(12);
    expect(finished?.step).toBe(total);
    expect(events.filter((e) => e.event === 'step').length).toBeGreaterThan(stepsAtPause);

    // Previews every 4 steps: 3 real and 3 generated windows, with spectra, channel 0.
    const previews = events.filter((e): e is PreviewEvent => e.event === 'preview');
    expect(previews.map((p) => p.step)).toEqual(Array.from({ length: Math.floor(total / 4) }, (_, i) => 4 * (i + 1)));
    const p = previews[0];
    expect(p.real).toHaveLength(3);
    expect(p.generated).toHaveLength(3);
    expect(p.real[0].y).toHaveLength(256);
    expect(p.real_spectra[0].x.length).toBeLessThanOrEqual(129);
    expect(p.generated_spectra[0].y.every((v) => Number.isFinite(v) && v >= 0)).toBe(true);
    expect(p.time_unit).toBe('s');
    expect(p.freq_unit).toBe('Hz');
    // Generated windows change as the model trains; the real ones are the same windows.
    expect(previews.at(-1)!.real[0].y).toEqual(p.real[0].y);
    expect(previews.at(-1)!.generated[0].y).not.toEqual(p.generated[0].y);
    const cost = previews.reduce((s, e) => s + e.seconds, 0) / previews.length;
    console.info(`[preview] mean cost ${(cost * 1000).toFixed(1)} ms per preview (3 windows × 10 Euler steps, 256 samples)`);
    expect(cost).toBeLessThan(2);

    // Not metrics: the recorder stores numeric fields of step/epoch events only.
    const names = new Set(store.metrics.summary(id).map((m) => m.name));
    expect(names.has('flow_loss')).toBe(true);
    for (const n of ['sample_steps', 'time_unit', 'paused']) expect(names.has(n), n).toBe(false);
    // The timeline keeps them in events.jsonl like every other event.
    const log = readFileSync(path.join(home, 'runs', id, 'events.jsonl'), 'utf8');
    expect(log).toContain('"event":"paused"');
    expect(log).toContain('"event":"preview"');
  });

  it('stop wakes a paused run, which ends stopped with its final checkpoint', async () => {
    const id = await jobs.startRun(resolveDraft({ scale: 'quick', sets: [...TINY, 'task.epochs=100'] }, process.cwd()).spec);
    await new Promise<void>((r) => { const off = jobs.onEvent((e) => e.event === 'step' && (off(), r())); });
    const paused = new Promise<void>((r) => { const off = jobs.onEvent((e) => e.event === 'paused' && (off(), r())); });
    jobs.setPaused(id, true);
    await paused;
    expect(jobs.stopRun(id)).toBe(true);
    expect((await jobs.whenFinished(id))?.status).toBe('stopped');
    expect(store.checkpoints.forRun(id).some((c) => c.kind === 'final')).toBe(true);
  });
});
