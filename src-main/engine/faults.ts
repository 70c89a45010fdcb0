/**
 * Fault injection for reliability tests: FLOWBENCH_FAULTS="nan@step=120,oom@step=200,…"
 * makes the engine produce exactly those faults at those optimiser steps, so every
 * recovery path can be exercised on a real run. Unset or empty ⇒ inert (no fault fires).
 *
 * Each fault fires at most once per engine process (a retried or rolled-back step does
 * not re-trigger it), which is what a transient fault looks like in the wild.
 *
 *   nan@step=N                 the flow loss of step N is NaN (→ rollback, LR halved)
 *   inf-grad@step=N            the gradients of step N are +Inf (→ rollback, LR halved)
 *   grad-explosion@step=N      the gradients of step N are multiplied by 1e4 (→ clip, LR cut)
 *   oom@step=N                 the backend throws "out of memory" in step N (→ batch halved)
 *   bad-batch@step=N           the first micro-batch of step N is filled with NaN (→ skipped)
 *   crash@step=N               SIGKILL of the engine right after step N (→ resume)
 *   crash-in-checkpoint@step=N SIGKILL after the temp file of step N's checkpoint is synced,
 *                              before the rename (a torn write)
 *   corrupt-checkpoint@step=N  flips payload bytes of step N's checkpoint after it is written
 *                              (bit rot; → resume falls back)
 */

export const FAULT_KINDS = [
  'nan',
  'inf-grad',
  'grad-explosion',
  'oom',
  'bad-batch',
  'crash',
  'crash-in-checkpoint',
  'corrupt-checkpoint',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface Fault {
  kind: FaultKind;
  step: number;
}

/** The parsed plan; `fire` answers "does fault `kind` happen now?" and consumes it. */
export class FaultPlan {
  private readonly pending: Fault[];

  constructor(readonly faults: readonly Fault[]) {
    this.pending = [...faults];
  }

  get active(): boolean {
    return this.faults.length > 0;
  }

  fire(kind: FaultKind, step: number): boolean {
    const i = this.pending.findIndex((f) => f.kind === kind && f.step === step);
    if (i < 0) return false;
    this.pending.splice(i, 1);
    return true;
  }
}

/** A malformed FLOWBENCH_FAULTS value (bad input: the CLI exits 2 before recording a run). */
export class FaultSpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FaultSpecError';
  }
}

/** The error an injected `oom` throws; its message matches what isOutOfMemory looks for. */
export class InjectedOutOfMemory extends Error {
  constructor(step: number) {
    super(`out of memory (injected by FLOWBENCH_FAULTS at step ${step})`);
    this.name = 'InjectedOutOfMemory';
  }
}

/**
 * Parses a FLOWBENCH_FAULTS value. A malformed entry throws an Error that quotes the entry
 * and lists the valid kinds, so a typo never silently disables a test's fault.
 */
export function parseFaults(spec: string | undefined | null): FaultPlan {
  if (spec === undefined || spec === null || spec.trim() === '') return new FaultPlan([]);
  const faults: Fault[] = [];
  for (const raw of spec.split(',')) {
    const entry = raw.trim();
    if (entry === '') continue;
    const m = /^([a-z-]+)@step=(\d+)$/.exec(entry);
    if (!m) {
      throw new FaultSpecError(`FLOWBENCH_FAULTS: "${entry}" is not KIND@step=N (e.g. nan@step=120); valid kinds: ${FAULT_KINDS.join(', ')}`);
    }
    const kind = m[1] as FaultKind;
    if (!(FAULT_KINDS as readonly string[]).includes(kind)) {
      throw new FaultSpecError(`FLOWBENCH_FAULTS: unknown fault "${m[1]}" in "${entry}"; valid kinds: ${FAULT_KINDS.join(', ')}`);
    }
    const step = Number(m[2]);
    if (!Number.isSafeInteger(step) || step < 1) throw new FaultSpecError(`FLOWBENCH_FAULTS: step in "${entry}" must be an integer >= 1`);
    faults.push({ kind, step });
  }
  return new FaultPlan(faults);
}
