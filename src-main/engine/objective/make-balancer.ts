/** The balancer a run's task section asks for (task.balancing). */
import type { TaskSpec } from '../../config/schema.js';
import type { Balancer } from './balancer.js';
import { FixedWeights } from './fixed-weights.js';
import { GradNorm } from './gradnorm.js';
import { UncertaintyWeighting } from './uncertainty-weighting.js';

/** Without the contrastive branch, always fixed (balancing needs two losses). */
export function makeBalancer(task: TaskSpec): Balancer {
  if (!task.use_contrastive) return new FixedWeights({ flow: task.flow_loss_weight, contrastive: 0 });
  switch (task.balancing) {
    case 'fixed':
      return new FixedWeights({ flow: task.flow_loss_weight, contrastive: task.contrastive_loss_weight });
    case 'uncertainty':
      return new UncertaintyWeighting();
    case 'gradnorm':
      return new GradNorm({ alpha: task.gradnorm_alpha, lr: task.gradnorm_lr, minWeight: task.gradnorm_min_weight });
  }
}
