/**
 * Early stopping on a validation metric (lower is better): a check improves when
 * value < best − min_delta; after `patience` checks in a row without improvement, stop.
 * A check is one validation (each epoch, or every trainer.val_every_n_steps steps).
 * A non-finite value never improves.
 */
export interface EarlyStoppingState {
  best: number | null;
  bestStep: number | null;
  /** Checks since the last improvement. */
  bad: number;
}

export interface EarlyStoppingDecision {
  improved: boolean;
  stop: boolean;
  best: number | null;
  bad: number;
}

export class EarlyStopping {
  private s: EarlyStoppingState = { best: null, bestStep: null, bad: 0 };

  constructor(
    readonly patience: number,
    readonly minDelta: number,
  ) {
    if (!(patience >= 1)) throw new Error(`task.es_patience must be >= 1, got ${patience}`);
    if (!(minDelta >= 0)) throw new Error(`task.es_min_delta must be >= 0, got ${minDelta}`);
  }

  update(value: number, step: number): EarlyStoppingDecision {
    const improved = Number.isFinite(value) && (this.s.best === null || value < this.s.best - this.minDelta);
    if (improved) this.s = { best: value, bestStep: step, bad: 0 };
    else this.s.bad += 1;
    return { improved, stop: this.s.bad >= this.patience, best: this.s.best, bad: this.s.bad };
  }

  get bestStep(): number | null {
    return this.s.bestStep;
  }

  getState(): EarlyStoppingState {
    return { ...this.s };
  }

  setState(state: EarlyStoppingState): void {
    this.s = { ...state };
  }
}
