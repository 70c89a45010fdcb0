/**
 * A run's error summary for `show`: what went wrong and what the stability guard or a
 * resume did about it — counts by kind and the share of incidents that were recovered.
 *
 * An incident is a recovery action (rollback, lr_reduction, grad_explosion,
 * oom_batch_halving, skip_batch, checkpoint_corrupt, …) or an interruption (engine_crash,
 * interrupted). An action is recovered unless its outcome starts with "failed"; an
 * interruption is recovered once a later `resume` event continued the run.
 */
import type { EventRow } from '../../store/index.js';

/** Event kinds that are bookkeeping, not incidents. */
const NOT_INCIDENTS = new Set(['host', 'data', 'checkpoint', 'resume', 'log_warn', 'log_error', 'log_info']);
const INTERRUPTIONS = new Set(['engine_crash', 'interrupted']);

export interface ErrorSummary {
  counts: Record<string, number>;
  incidents: number;
  recovered: number;
  failed: number;
  /** recovered / incidents; null when there were none. */
  success_rate: number | null;
  resumes: number;
}

export function summarizeErrors(events: readonly EventRow[]): ErrorSummary {
  const counts: Record<string, number> = {};
  let incidents = 0;
  let recovered = 0;
  const resumeIds = events.filter((e) => e.kind === 'resume').map((e) => e.id);
  for (const e of events) {
    if (NOT_INCIDENTS.has(e.kind)) continue;
    counts[e.kind] = (counts[e.kind] ?? 0) + 1;
    incidents++;
    const ok = INTERRUPTIONS.has(e.kind) ? resumeIds.some((id) => id > e.id) : !(e.outcome ?? '').startsWith('failed');
    if (ok) recovered++;
  }
  return {
    counts, incidents, recovered, failed: incidents - recovered,
    success_rate: incidents ? recovered / incidents : null, resumes: resumeIds.length,
  };
}

export function formatErrorSummary(s: ErrorSummary): string[] {
  if (s.incidents === 0 && s.resumes === 0) return ['errors     none'];
  const kinds = Object.entries(s.counts).map(([k, n]) => `${k} ${n}`).join(', ');
  const rate = s.success_rate === null ? '—' : `${(100 * s.success_rate).toFixed(0)}%`;
  return [`errors     ${s.incidents} incident(s): ${kinds || 'none'}; recovered ${s.recovered}/${s.incidents} (${rate}); resumes ${s.resumes}`];
}
