/**
 * Persists a run's engine events: metrics, events and checkpoints into the store (one
 * transaction per batch), and every event as a JSON line in the run's events.jsonl.
 *
 * Step metrics arrive many times a second, so they are buffered and flushed together;
 * anything a user would hate to lose (checkpoints, recovery actions, the end) is flushed
 * at once with whatever is buffered before it, so the database never has a checkpoint
 * without the metrics that led to it.
 *
 * A write that fails (disk full, database read-only, I/O error) never escapes as an
 * uncaught error from the flush timer: the recorder stops writing, keeps the first error,
 * and tells its owner once (`onWriteError`), who stops the engine and ends the run failed.
 */
import { appendFileSync } from 'node:fs';
import { METRIC_NAMES, type EngineEvent } from '../../engine/protocol/index.js';
import type { MetricInput, Store } from '../../store/index.js';

const FLUSH_ROWS = 500;
const FLUSH_MS = 250;

export class RunRecorder {
  private rows: MetricInput[] = [];
  private timer: NodeJS.Timeout | null = null;
  private lastStep = 0;
  /** The first failed write; after it nothing more is written. */
  writeError: Error | null = null;

  constructor(
    private readonly store: Store,
    private readonly runId: string,
    private readonly eventsLog: string | null,
    private readonly onWriteError: (err: Error) => void = () => undefined,
  ) {}

  record(event: EngineEvent): void {
    this.guarded(() => this.write(event));
  }

  /** Writes buffered metrics in one transaction. */
  flush(): void {
    this.guarded(() => this.flushRows());
  }

  private guarded(fn: () => void): void {
    if (this.writeError) return;
    try {
      fn();
    } catch (err) {
      this.writeError = err instanceof Error ? err : new Error(String(err));
      if (this.timer) clearTimeout(this.timer);
      this.timer = null;
      this.onWriteError(this.writeError);
    }
  }

  private write(event: EngineEvent): void {
    if (this.eventsLog) appendFileSync(this.eventsLog, JSON.stringify(event) + '\n');
    this.lastStep = Math.max(this.lastStep, event.step ?? 0);
    switch (event.event) {
      case 'started':
        this.flushRows();
        this.store.runs.update(this.runId, {
          status: 'running',
          backend: event.backend,
          versions: { ...event.versions, backend_skipped: JSON.stringify(event.backend_skipped) },
          // A resumed run keeps the start of its first segment: it reads as one run.
          startedAt: this.store.runs.get(this.runId)?.startedAt ?? event.time,
        });
        return;
      case 'data':
        this.store.runs.update(this.runId, { dataManifestHash: event.manifest_hash });
        this.store.events.insert({
          runId: this.runId,
          step: event.step,
          kind: 'data',
          details: { ...event, event: undefined, run_id: undefined },
          outcome: event.skipped_windows > 0 ? `skipped ${event.skipped_windows} windows` : 'ok',
          time: event.time,
        });
        return;
      case 'step':
        this.push(event.step, event.epoch, 'step', event as Record<string, unknown>, event.time);
        return;
      case 'epoch':
        this.push(event.step, event.epoch, 'epoch', event as Record<string, unknown>, event.time);
        return;
      case 'checkpoint':
        this.flushRows();
        this.store.checkpoints.insert({
          runId: this.runId,
          step: event.step,
          epoch: event.epoch,
          path: event.path,
          sha256: event.sha256,
          bytes: event.bytes,
          kind: event.kind,
          stable: event.stable,
          metrics: { val_flow_loss: event.val_flow_loss, train_flow_loss: event.train_flow_loss },
        });
        // The engine deleted these files after verifying the new one: forget their rows.
        for (const p of event.pruned ?? []) this.store.checkpoints.remove(this.runId, p);
        // …but the timeline keeps every checkpoint written, pruned or not (and across resumes).
        this.store.events.insert({
          runId: this.runId,
          step: event.step,
          kind: 'checkpoint',
          details: { kind: event.kind, stable: event.stable, path: event.path, pruned: event.pruned ?? [] },
          outcome: `${event.kind} checkpoint${event.stable ? ' (stable)' : ' (not stable)'}`,
          time: event.time,
        });
        return;
      case 'recovery':
        this.flushRows();
        // One transaction: a resume's superseded rows go together with its event, or not at all.
        this.store.transaction(() => {
          if (event.kind === 'resume') this.supersede(event.details);
          this.store.events.insert({
            runId: this.runId,
            step: event.step,
            kind: event.kind,
            details: event.details,
            outcome: event.outcome,
            time: event.time,
          });
        });
        return;
      case 'log':
        if (event.level === 'info') return;
        this.store.events.insert({
          runId: this.runId,
          step: event.step,
          kind: `log_${event.level}`,
          details: { message: event.message },
          outcome: null,
          time: event.time,
        });
        return;
      case 'sampled':
      case 'finished':
        this.flushRows();
        return;
    }
  }

  private flushRows(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.rows.length === 0) return;
    const rows = this.rows;
    this.rows = [];
    this.store.metrics.insertMany(rows);
  }

  /** A resume recomputes everything after its checkpoint: drop the cut-off rows first. */
  private supersede(details: Record<string, unknown>): void {
    const step = Number(details.from_step);
    const epoch = Number(details.from_epoch);
    if (!Number.isInteger(step) || !Number.isInteger(epoch)) return;
    const removed = this.store.metrics.supersedeAfter(this.runId, step, epoch);
    details.superseded_metric_rows = removed;
  }

  get step(): number {
    return this.lastStep;
  }

  /** The event's declared metrics (engine/protocol/events.ts) as rows; absent or null ones are skipped. */
  private push(step: number, epoch: number, scope: 'step' | 'epoch', event: Record<string, unknown>, time: string): void {
    for (const name of METRIC_NAMES[scope]) {
      const value = event[name];
      if (typeof value !== 'number') continue;
      this.rows.push({ runId: this.runId, step, epoch, scope, name, value, time });
    }
    if (this.rows.length >= FLUSH_ROWS) this.flushRows();
    else if (!this.timer) this.timer = setTimeout(() => this.flush(), FLUSH_MS);
  }
}
