/**
 * Pausing a run between optimiser steps. The host's 'pause' message sets control.pause to
 * a promise that its 'continue' (or 'stop') resolves; the loop awaits it, so a paused
 * engine burns no CPU and keeps every tensor, cursor and RNG state as it was.
 */
/** How the host steers a running job (process.ts sets it, the loop reads it between steps). */
export interface TrainControl {
  stopRequested: boolean;
  /** Set while the host has paused the run; the loop waits on it between steps. */
  pause?: Promise<void> | null;
}

/** Host side of the gate (process.ts): pause / resume the control's loop. */
export function pauseSwitch(control: TrainControl): { pause(): void; resume(): void } {
  let release: (() => void) | null = null;
  return {
    pause() {
      if (control.pause) return;
      control.pause = new Promise<void>((r) => (release = r));
    },
    resume() {
      control.pause = null;
      const r = release;
      release = null;
      r?.();
    },
  };
}

/**
 * Loop side: waits while paused (until continue or stop), telling the host when the
 * pause begins and ends. Returns the milliseconds spent paused (0 when not paused), so
 * the caller can leave them out of steps/s and ETA.
 */
export async function waitWhilePaused(control: TrainControl, onPaused: (paused: boolean) => void): Promise<number> {
  if (!control.pause || control.stopRequested) return 0;
  const t = performance.now();
  onPaused(true);
  // Re-read after each wake: a pause → continue → pause burst leaves a new promise.
  const gate = (): Promise<void> | null => (control.stopRequested ? null : (control.pause ?? null));
  for (let g = gate(); g; g = gate()) await g;
  onPaused(false);
  return performance.now() - t;
}
