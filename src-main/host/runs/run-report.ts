/**
 * What `runs` and `show` print: plain objects for --json, aligned text for people.
 */
import type { Store } from '../../store/index.js';
import { formatErrorSummary, summarizeErrors } from './error-summary.js';
import { headlineLosses } from './headline-losses.js';
import { reconcileInterrupted } from './run-liveness.js';

export interface RunListItem {
  id: string;
  status: string;
  scale: string;
  data: string;
  created_at: string;
  duration_s: number | null;
  epochs_done: number;
  /** The last epoch's mean training flow loss (headline-losses.ts, as the app shows it). */
  last_flow_loss: number | null;
  last_val_flow_loss: number | null;
  archived: boolean;
}

export function listRuns(store: Store, limit = 50, includeArchived = false): RunListItem[] {
  reconcileInterrupted(store); // a run whose host died shows as interrupted, not running
  return store.runs.list({ limit, includeArchived }).map((run) => {
    const summary = store.metrics.summary(run.id);
    const losses = headlineLosses(summary);
    const epochs = summary.find((s) => s.name === 'train_flow_loss' && s.scope === 'epoch')?.count ?? 0;
    return {
      id: run.id,
      status: run.status,
      scale: run.scale,
      data: run.dataSource,
      created_at: run.createdAt,
      duration_s: run.durationS,
      epochs_done: epochs,
      last_flow_loss: losses.lastFlowLoss,
      last_val_flow_loss: losses.lastValLoss,
      archived: run.archived,
    };
  });
}

export function showRun(store: Store, ref: string) {
  reconcileInterrupted(store);
  const id = store.runs.resolveId(ref);
  const run = store.runs.get(id);
  if (!run) throw new Error(`no run ${id}`);
  const epochRows = store.metrics.forRun(id, { scope: 'epoch' });
  const epochs = new Map<number, Record<string, number>>();
  for (const row of epochRows) {
    const key = row.epoch ?? 0;
    const entry = epochs.get(key) ?? { epoch: key, step: row.step };
    entry[row.name] = row.value;
    epochs.set(key, entry);
  }
  const events = store.events.forRun(id);
  return {
    run,
    metrics: store.metrics.summary(id),
    epochs: [...epochs.values()].sort((a, b) => a.epoch - b.epoch),
    events,
    event_counts: store.events.countsByKind(id),
    error_summary: summarizeErrors(events),
    checkpoints: store.checkpoints.forRun(id),
    quality: store.quality.forRun(id),
  };
}

export function formatRunList(items: RunListItem[]): string {
  if (items.length === 0) return 'No runs yet. Start one with `flowbench train` (or `npm run demo`).\n';
  const header = ['RUN', 'STATUS', 'SCALE', 'EPOCHS', 'FLOW LOSS', 'VAL LOSS', 'DURATION', 'DATA'];
  const rows = items.map((r) => [
    r.id,
    r.archived ? `${r.status} (archived)` : r.status,
    r.scale,
    String(r.epochs_done),
    num(r.last_flow_loss),
    num(r.last_val_flow_loss),
    r.duration_s === null ? '—' : `${r.duration_s.toFixed(1)} s`,
    r.data,
  ]);
  return table([header, ...rows]);
}

/** "native: why; wasm: why" from the started event's backend_skipped (kept in versions), or ''. */
function skippedBackends(versions: Record<string, string> | null): string {
  try {
    const skipped = JSON.parse(versions?.backend_skipped ?? '{}') as Record<string, string>;
    return Object.entries(skipped).map(([k, why]) => `${k}: ${why}`).join('; ');
  } catch {
    return '';
  }
}

export function formatRunDetail(detail: ReturnType<typeof showRun>): string {
  const { run } = detail;
  const lines: string[] = [];
  lines.push(`run        ${run.id}${run.name ? `  (${run.name})` : ''}`);
  lines.push(`status     ${run.status}${run.error ? ` — ${run.error}` : ''}`);
  lines.push(`scale      ${run.scale}    seed ${run.seed}    backend ${run.backend ?? '—'}`);
  const skipped = skippedBackends(run.versions);
  if (skipped) lines.push(`           faster engines skipped: ${skipped}`);
  lines.push(`data       ${run.dataSource}${run.dataManifestHash ? `  (manifest ${run.dataManifestHash.slice(0, 12)})` : ''}`);
  lines.push(`created    ${run.createdAt}    duration ${run.durationS === null ? '—' : `${run.durationS.toFixed(1)} s`}`);
  lines.push(`folder     ${run.workdir}`);
  lines.push('');
  lines.push('metrics');
  lines.push(
    table([
      ['NAME', 'SCOPE', 'COUNT', 'FIRST', 'LAST', 'MIN', 'MAX'],
      ...detail.metrics.map((m) => [m.name, m.scope, String(m.count), num(m.first), num(m.last), num(m.min), num(m.max)]),
    ]),
  );
  if (detail.epochs.length > 0) {
    lines.push('epochs');
    lines.push(
      table([
        ['EPOCH', 'STEP', 'TRAIN FLOW', 'VAL FLOW'],
        ...detail.epochs.map((e) => [String(e.epoch), String(e.step), num(e.train_flow_loss), num(e.val_flow_loss)]),
      ]),
    );
  }
  lines.push(`checkpoints (${detail.checkpoints.length})`);
  for (const c of detail.checkpoints) {
    lines.push(`  step ${c.step} ${c.kind}${c.stable ? ' stable' : ' UNSTABLE'}  ${c.path}  sha256 ${c.sha256.slice(0, 16)}…`);
  }
  lines.push(...formatErrorSummary(detail.error_summary));
  if (detail.quality.length > 0) {
    lines.push(`quality scores (${detail.quality.length}; flowbench evaluate)`);
    for (const q of detail.quality) {
      const ci = q.ciLow !== null && q.ciHigh !== null ? ` [${num(q.ciLow)}, ${num(q.ciHigh)}]` : '';
      lines.push(`  ${q.metric} ${num(q.value)}${ci}  ${q.protocol}  seed ${q.seed ?? '—'}`);
    }
  }
  lines.push(`events (${detail.events.length})`);
  for (const e of detail.events) {
    lines.push(`  step ${e.step} ${e.kind}${e.outcome ? ` → ${e.outcome}` : ''}`);
  }
  return lines.join('\n') + '\n';
}

function num(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value) && Math.abs(value) < 1e9) return String(value);
  return Math.abs(value) >= 1e4 || Math.abs(value) < 1e-3 ? value.toExponential(3) : value.toFixed(4);
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((cell, i) => (cell ?? '').padEnd(widths[i]!)).join('  ').trimEnd()).join('\n') + '\n';
}
