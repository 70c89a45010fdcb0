/**
 * task.datasets / task.max_datasets: which datasets of the data sources a run uses. A dataset
 * the list names but the data lacks is an error (the run would silently train on less); one the
 * data holds but the selection leaves out is dropped and named in the source's warnings.
 */
import { createHash } from 'node:crypto';
import { DataError } from './errors.js';
import type { DataSource } from './types.js';

export interface DatasetSelection {
  /** Dataset ids in order; null = every dataset the data holds, in record order. */
  datasets: readonly string[] | null;
  /** Keep only the first N; null = all. */
  max_datasets: number | null;
}

export function selectDatasets(source: DataSource, sel: DatasetSelection): DataSource {
  const present = [...new Set(source.records.map((r) => r.dataset))];
  const wanted = sel.datasets ? [...new Set(sel.datasets)] : present;
  const missing = wanted.filter((d) => !present.includes(d));
  if (missing.length > 0) {
    throw new DataError(
      `task.datasets names ${missing.join(', ')}, but the data (${source.description}) holds only ${present.join(', ')}: ` +
        `add ${missing.length === 1 ? 'its folder' : 'their folders'} to data.path (--data can be given more than once), or set task.datasets to the datasets you have`,
      { key: 'task.datasets', value: missing },
    );
  }
  const chosen = sel.max_datasets !== null ? wanted.slice(0, sel.max_datasets) : wanted;
  const left = present.filter((d) => !chosen.includes(d));
  if (left.length === 0) return source;
  const why = left.map((d) => (wanted.includes(d) ? `${d} (beyond task.max_datasets ${sel.max_datasets})` : `${d} (not in task.datasets)`));
  const records = source.records.filter((r) => chosen.includes(r.dataset)).map((r, index) => ({ ...r, index }));
  return {
    ...source,
    description: `${source.description}; datasets ${chosen.join(', ')}`,
    records,
    manifestHash: createHash('sha256').update(`${source.manifestHash}\n${JSON.stringify(chosen)}`).digest('hex'),
    warnings: [...source.warnings, `training on dataset${chosen.length === 1 ? '' : 's'} ${chosen.join(', ')}; left out: ${why.join(', ')}`],
  };
}
