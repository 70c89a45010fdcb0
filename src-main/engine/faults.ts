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
import { parseFaultSpec, type Fault, type FaultKind } from './protocol/faults.js';

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

/** The error an injected `oom` throws; its message matches what isOutOfMemory looks for. */
export class InjectedOutOfMemory extends Error {
  constructor(step: number) {
    super(`out of memory (injected by FLOWBENCH_FAULTS at step ${step})`);
    this.name = 'InjectedOutOfMemory';
  }
}

/** The engine's plan for a FLOWBENCH_FAULTS value (grammar and errors: protocol/faults.ts). */
export function parseFaults(spec: string | undefined | null): FaultPlan {
  return new FaultPlan(parseFaultSpec(spec));
}
