/**
 * When is a checkpoint *stable* (safe to resume from and to roll back to)? When its
 * losses and weights are finite and its validation loss is not worse than the recent
 * trend (median of the last stable validation losses) by more than task.stable_factor.
 */

export interface StableTrackerState {
  /** Validation losses of recent stable checkpoints, oldest first. */
  recent_val: number[];
}

export interface StableVerdict {
  stable: boolean;
  /** Why not, for the checkpoint event and the log. */
  reason: string | null;
}

const TREND_WINDOW = 3;

export class StableTracker {
  private recent: number[] = [];

  constructor(private readonly factor: number) {}

  judge(trainLoss: number | null, valLoss: number | null, weightsFinite: boolean): StableVerdict {
    const finite = (v: number | null): boolean => v === null || Number.isFinite(v);
    if (!weightsFinite) return { stable: false, reason: 'weights are not finite' };
    if (!finite(trainLoss)) return { stable: false, reason: `train loss is ${trainLoss}` };
    if (!finite(valLoss)) return { stable: false, reason: `validation loss is ${valLoss}` };
    if (valLoss !== null && this.recent.length > 0) {
      const trend = median(this.recent);
      if (valLoss > this.factor * trend) {
        return { stable: false, reason: `validation loss ${valLoss.toPrecision(4)} is above ${this.factor} × the recent trend ${trend.toPrecision(4)}` };
      }
    }
    if (valLoss !== null && this.recent[this.recent.length - 1] !== valLoss) {
      this.recent.push(valLoss);
      if (this.recent.length > TREND_WINDOW) this.recent.shift();
    }
    return { stable: true, reason: null };
  }

  getState(): StableTrackerState {
    return { recent_val: [...this.recent] };
  }

  setState(s: StableTrackerState | undefined): void {
    this.recent = Array.isArray(s?.recent_val) ? s.recent_val.filter((v) => Number.isFinite(v)) : [];
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
