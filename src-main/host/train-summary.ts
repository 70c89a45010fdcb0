/**
 * The lines a person reads when a training run ends: what happened, where everything is,
 * and what to run next.
 */
import path from 'node:path';
import type { Store } from '../store/index.js';
import type { TrainJobResult } from './train-job.js';

export function formatTrainSummary(store: Store, result: TrainJobResult): string {
  const { runId, runDir, finished } = result;
  const epochs = store.metrics.forRun(runId, { names: ['train_flow_loss', 'val_flow_loss'], scope: 'epoch' });
  const train = epochs.filter((m) => m.name === 'train_flow_loss');
  const val = epochs.filter((m) => m.name === 'val_flow_loss');
  const checkpoint = store.checkpoints.latest(runId);
  const lines = [
    '',
    `run ${runId} ${finished.status}${finished.reason ? ` (${finished.reason})` : ''} in ${finished.seconds.toFixed(1)} s`,
  ];
  if (train.length > 0) {
    const first = train[0]!;
    const last = train[train.length - 1]!;
    lines.push(
      `  flow loss   epoch ${first.epoch}: ${first.value.toFixed(4)} → epoch ${last.epoch}: ${last.value.toFixed(4)}` +
        (val.length > 0 ? `   (validation ${val[0]!.value.toFixed(4)} → ${val[val.length - 1]!.value.toFixed(4)})` : ''),
    );
  }
  lines.push(`  database    ${store.file}`);
  lines.push(`  checkpoint  ${checkpoint ? checkpoint.path : '(none written)'}`);
  lines.push(`  logs        ${path.join(runDir, 'events.jsonl')}  ${path.join(runDir, 'engine.log')}`);
  lines.push(`  config      ${path.join(runDir, 'config.yaml')}`);
  lines.push(`  next        flowbench show ${runId}   ·   flowbench sample ${runId} --count 8 --out samples.csv`);
  return lines.join('\n') + '\n';
}
