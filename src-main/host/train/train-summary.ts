/**
 * The lines a person reads when a training run ends: what happened, where everything is,
 * and what to run next.
 */
import path from 'node:path';
import type { Store } from '../../store/index.js';
import type { TrainJobResult } from './train-job.js';

export function formatTrainSummary(store: Store, result: TrainJobResult): string {
  const { runId, runDir, finished } = result;
  const epochs = store.metrics.forRun(runId, { scope: 'epoch' });
  const checkpoint = store.checkpoints.latest(runId);
  const lines = [
    '',
    `run ${runId} ${finished.status}${finished.reason ? ` (${finished.reason})` : ''} in ${finished.seconds.toFixed(1)} s`,
  ];
  // First → last epoch of each loss component the run logged (flow, and contrastive when on).
  for (const part of ['flow', 'contrastive']) {
    const train = epochs.filter((m) => m.name === `train_${part}_loss`);
    const val = epochs.filter((m) => m.name === `val_${part}_loss`);
    if (train.length === 0) continue;
    const first = train[0]!;
    const last = train[train.length - 1]!;
    lines.push(
      `  ${`${part} loss`.padEnd(17)} epoch ${first.epoch}: ${first.value.toFixed(4)} → epoch ${last.epoch}: ${last.value.toFixed(4)}` +
        (val.length > 0 ? `   (validation ${val[0]!.value.toFixed(4)} → ${val[val.length - 1]!.value.toFixed(4)})` : ''),
    );
  }
  lines.push(`  database          ${store.file}`);
  lines.push(`  checkpoint        ${checkpoint ? checkpoint.path : '(none written)'}`);
  lines.push(`  logs              ${path.join(runDir, 'events.jsonl')}  ${path.join(runDir, 'engine.log')}`);
  lines.push(`  config            ${path.join(runDir, 'config.yaml')}`);
  // `sample` needs a checkpoint; a failed run without one is resumed or shown, not sampled.
  const next = [`flowbench show ${runId}`];
  if (checkpoint) next.push(`flowbench sample ${runId} --count 8 --out samples.csv`);
  else if (finished.status !== 'completed' && !finished.bad_input) next.push(`flowbench resume ${runId}`);
  lines.push(`  next              ${next.join('   ·   ')}`);
  return lines.join('\n') + '\n';
}
