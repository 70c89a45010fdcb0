/** Shared bits of the reliability integration tests: tiny shapes and SQLite readers. */
import path from 'node:path';
import Database from 'better-sqlite3';

/**
 * ~18 optimiser steps of a 32-wide MLP on 128-sample windows: a few seconds per run.
 * Checkpoints every 4 steps only (no epoch or wall-time ones), where the fault scenarios
 * expect them; default-crash-safety.test.ts drops these three settings.
 */
export const TINY = [
  'data.window_length=128', 'data.stride=128', 'data.synthetic.seconds=1', 'data.synthetic.files_per_class=1',
  'model.hidden_dim=32', 'model.time_dim=16', 'model.condition_dim=8',
  'task.epochs=3', 'task.batch_size=8', 'trainer.steps_per_epoch=6', 'trainer.log_every_n_steps=1',
  'task.checkpoint_interval=4', 'task.checkpoint_every_epoch=false', 'task.checkpoint_minutes=0', 'task.lr=1e-3',
].flatMap((kv) => ['--set', kv]);

export function openDb(home: string): Database.Database {
  return new Database(path.join(home, 'flowbench.sqlite'), { readonly: true });
}

export interface StepLoss {
  step: number;
  value: number;
}

export function stepLosses(db: Database.Database, runId: string, name = 'flow_loss'): StepLoss[] {
  return db.prepare(`SELECT step, value FROM metrics WHERE run_id = ? AND name = ? AND scope = 'step' ORDER BY step, rowid`).all(runId, name) as StepLoss[];
}

export function epochLosses(db: Database.Database, runId: string): StepLoss[] {
  return db.prepare(`SELECT step, value FROM metrics WHERE run_id = ? AND name = 'val_flow_loss' AND scope = 'epoch' ORDER BY step, rowid`).all(runId) as StepLoss[];
}

export function runIds(db: Database.Database): string[] {
  return (db.prepare(`SELECT id FROM runs ORDER BY created_at, rowid`).all() as { id: string }[]).map((r) => r.id);
}

export function integrity(db: Database.Database): string {
  return (db.pragma('integrity_check') as { integrity_check: string }[])[0]!.integrity_check;
}

export function runRow(db: Database.Database, id: string): { status: string; error: string | null } {
  return db.prepare(`SELECT status, error FROM runs WHERE id = ?`).get(id) as { status: string; error: string | null };
}

export function eventKinds(db: Database.Database, id: string): { kind: string; step: number; outcome: string | null; details_json: string }[] {
  return db.prepare(`SELECT kind, step, outcome, details_json FROM events WHERE run_id = ? ORDER BY id`).all(id) as never;
}

/** Max |a−b| / max(1, |a|) over matching steps; throws if the step lists differ. */
export function maxRelDiff(a: StepLoss[], b: StepLoss[]): number {
  if (a.map((r) => r.step).join(',') !== b.map((r) => r.step).join(',')) {
    throw new Error(`steps differ: [${a.map((r) => r.step)}] vs [${b.map((r) => r.step)}]`);
  }
  return Math.max(0, ...a.map((r, i) => Math.abs(r.value - b[i]!.value) / Math.max(1, Math.abs(r.value))));
}
