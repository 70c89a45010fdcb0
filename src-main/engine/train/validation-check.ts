/**
 * The run's validation checks: losses on the validation windows with draws fixed per run (the
 * same every check), the last result, and early stopping's verdict on it.
 */
import type { TaskSpec } from '../../config/index.js';
import type { JointObjective, ValidationResult } from '../objective/joint-objective.js';
import type { PreparedData } from '../../data/index.js';
import type { EarlyStopping } from './early-stopping.js';

export class ValidationCheck {
  /** The last check's losses (null before the first, or without validation windows). */
  last: ValidationResult | null = null;
  /** Set when early stopping decides the run ends: the reason, for the finished event. */
  stopReason: string | null = null;

  constructor(
    private readonly objective: JointObjective,
    private readonly data: PreparedData,
    private readonly task: TaskSpec,
    private readonly seed: number,
    private readonly amplitudeLimit: number,
    readonly stopper: EarlyStopping | null,
  ) {}

  async run(step: number): Promise<ValidationResult | null> {
    this.last = await this.objective.validate(this.data.val, this.seed, this.task.batch_size, this.amplitudeLimit);
    if (!this.stopper || !this.last) return this.last;
    const value = this.task.monitor === 'val_total_loss' ? this.last.total : this.last.flow;
    const d = this.stopper.update(value, step);
    if (d.stop) {
      this.stopReason = `early stopping: ${this.task.monitor} did not improve by more than ${this.task.es_min_delta} for ${d.bad} validation checks (best ${d.best} at step ${this.stopper.bestStep})`;
    }
    return this.last;
  }
}
