/**
 * Where a run stands, read back from its `<run>/events.jsonl` (every engine event, appended
 * by the recorder): the metrics table keeps no total step count, ETA or preview, so without
 * this a reopened run's dashboard read "0 / ?" until the next live event — and forever for a
 * run that has ended.
 *
 * A long run's log grows to many megabytes (previews carry curves), so only its tail is
 * parsed, plus its head when the tail holds no `started` event.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import path from 'node:path';
import type { RunProgress } from '../../../src-preload/contract.js';

const TAIL_BYTES = 8 * 1024 * 1024;
const HEAD_BYTES = 1024 * 1024;

type Logged = Record<string, unknown> & { event?: unknown; step?: unknown };

function readSlice(fd: number, start: number, length: number): string {
  const buf = Buffer.alloc(length);
  const n = readSync(fd, buf, 0, length, start);
  return buf.subarray(0, n).toString('utf8');
}

/** Whole JSON lines of `text`; a torn line (cut by the slice, or being appended) is skipped. */
function parseLines(text: string): Logged[] {
  const out: Logged[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      out.push(JSON.parse(line) as Logged);
    } catch {
      // a partial line at a slice edge
    }
  }
  return out;
}

/** The events of the log's tail (and head when the tail has no `started`); [] when there is no log. */
export function readRecentEvents(runDir: string): Logged[] {
  let fd: number;
  try {
    fd = openSync(path.join(runDir, 'events.jsonl'), 'r');
  } catch {
    return [];
  }
  try {
    const size = fstatSync(fd).size;
    const start = Math.max(0, size - TAIL_BYTES);
    const tail = parseLines(readSlice(fd, start, size - start));
    if (start === 0 || tail.some((e) => e.event === 'started')) return tail;
    return [...parseLines(readSlice(fd, 0, Math.min(HEAD_BYTES, start))).filter((e) => e.event === 'started'), ...tail];
  } finally {
    closeSync(fd);
  }
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

export interface ProgressInput {
  id: string;
  runDir: string;
  /** The newest step the metrics table holds (a fallback when the log has none). */
  recordedStep: number | null;
  /** This host's job manager runs it now (since = when its engine was launched). */
  active: { since: string; paused: boolean } | null;
}

export function runProgress(input: ProgressInput): RunProgress {
  const events = readRecentEvents(input.runDir);
  let started: Logged | null = null;
  let lastStep: Logged | null = null;
  let preview: Logged | null = null;
  let epoch: number | null = null;
  let epochs: number | null = null;
  let paused = false;
  for (const e of events) {
    switch (e.event) {
      case 'started':
        started = e;
        paused = false;
        epochs = num(e.epochs) ?? epochs;
        break;
      case 'step':
        lastStep = e;
        epoch = num(e.epoch) ?? epoch;
        break;
      case 'epoch':
        epoch = num(e.epoch) ?? epoch;
        epochs = num(e.epochs) ?? epochs;
        break;
      case 'preview':
        preview = e;
        break;
      case 'paused':
        paused = e.paused === true;
        break;
      default:
        break;
    }
  }
  const step = Math.max(num(lastStep?.step) ?? 0, input.recordedStep ?? 0);
  let phase: RunProgress['phase'] = 'ended';
  // The engine sends 'started' once its data is ready; until the current engine (launched at
  // `since`, a resume's second engine included) has sent one, it is loading.
  const startedNow = started !== null && typeof started.time === 'string' && input.active !== null && started.time >= input.active.since;
  if (input.active) phase = !startedNow ? 'loading' : paused || input.active.paused ? 'paused' : 'training';
  return {
    id: input.id,
    phase,
    step,
    totalSteps: num(started?.total_steps),
    epoch,
    epochs,
    etaS: phase === 'training' ? num(lastStep?.eta_s) : null,
    since: input.active?.since ?? null,
    preview: preview ? { ...preview } : null,
  };
}
