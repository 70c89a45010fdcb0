/**
 * "Did you mean …?" for unknown keys: common synonyms first (learning_rate → lr, which
 * no edit distance would find), then the same key in another section, then the nearest
 * key of the section by edit distance.
 */
import { distance } from 'fastest-levenshtein';
import type { z } from 'zod';
import { runSpecSchema } from './schema.js';
import { allKeyPaths, validKeysAt } from './schema-describe.js';
import { formatPath, type PathSegment } from './paths.js';

/** Names people reach for (from other trainers and configs) → our key in the same section. */
const SYNONYMS: Record<string, string> = {
  learning_rate: 'lr',
  lr_rate: 'lr',
  num_epochs: 'epochs',
  n_epochs: 'epochs',
  epoch: 'epochs',
  bs: 'batch_size',
  batchsize: 'batch_size',
  grad_clip: 'gradient_clipping',
  clip_grad_norm: 'gradient_clipping',
  gradient_clip: 'gradient_clipping',
  scheduler: 'lr_scheduler',
  warmup: 'warmup_epochs',
  patience: 'es_patience',
  window: 'window_length',
  window_len: 'window_length',
  seq_len: 'window_length',
  random_seed: 'seed',
  hidden_size: 'hidden_dim',
  dataset_names: 'datasets',
  data_path: 'path',
  sample_rate: 'fs_hz',
};

/** A sentence for an unknown key at `path` (its last segment is the unknown key) of the `root` schema. */
export function suggestKey(path: readonly PathSegment[], root: z.ZodType = runSpecSchema): string {
  const key = String(path[path.length - 1]);
  const parent = path.slice(0, -1);
  const valid = validKeysAt(parent, root);
  const where = parent.length ? formatPath(parent) : 'the top level';
  const full = (k: string): string => formatPath([...parent, k]);

  const syn = SYNONYMS[key.toLowerCase()];
  if (syn && valid.includes(syn)) return `did you mean ${full(syn)}?`;

  const caseFixed = valid.find((k) => k.toLowerCase() === key.toLowerCase().replace(/-/g, '_'));
  if (caseFixed) return `did you mean ${full(caseFixed)}?`;

  // The key exists, but in another section (e.g. data.epochs → task.epochs).
  const elsewhere = allKeyPaths(root).filter((p) => p[p.length - 1] === key && p.length === path.length);
  if (elsewhere.length) return `did you mean ${elsewhere.map((p) => formatPath(p)).join(' or ')}?`;

  const limit = Math.max(2, Math.floor(key.length / 3));
  let best: string | null = null;
  let bestD = Infinity;
  for (const k of valid) {
    const d = distance(key.toLowerCase(), k.toLowerCase());
    if (d < bestD) [best, bestD] = [k, d];
  }
  if (best !== null && bestD <= limit) return `did you mean ${full(best)}?`;
  return valid.length ? `valid keys of ${where}: ${valid.join(', ')}` : `${where} takes no keys`;
}
