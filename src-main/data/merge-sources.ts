/**
 * Several data sources (data.path as a list) as one. Records keep source order and are
 * re-indexed; each id is prefixed by its dataset (`CWRU:12k_DE/B007_0.mat`), so ids stay unique
 * and say where they come from (data.fs_overrides uses these ids). A source whose records name
 * no dataset ('unknown': a manifest without a dataset column, a single file) takes the name of
 * its folder or file as dataset id, so every source is its own dataset condition.
 */
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { DataError } from './errors.js';
import type { DataSource, Signal, SignalRecord } from './types.js';

export function mergeSources(sources: readonly { path: string; source: DataSource }[]): DataSource {
  const records: SignalRecord[] = [];
  const owners = new Map<string, { source: DataSource; record: SignalRecord }>();
  for (const { path, source } of sources) {
    const fallback = basename(path).replace(/\.[^.]+$/, '') || path;
    for (const r of source.records) {
      const dataset = r.dataset === 'unknown' ? fallback : r.dataset;
      const id = `${dataset}:${r.id}`;
      const earlier = owners.get(id);
      if (earlier) {
        throw new DataError(
          `data.path: recording ${id} comes from two sources (${earlier.source.description} and ${source.description}); list each folder once`,
          { key: 'data.path', value: id },
        );
      }
      owners.set(id, { source, record: r });
      records.push({ ...r, index: records.length, id, dataset });
    }
  }
  const hash = createHash('sha256');
  for (const { source } of sources) hash.update(`${source.manifestHash}\n`);
  return {
    kind: 'multi',
    description: sources.map((s) => s.source.description).join(' + '),
    manifestPath: null,
    records,
    manifestHash: hash.digest('hex'),
    warnings: sources.flatMap((s) => s.source.warnings),
    readSignal(r: SignalRecord): Promise<Signal> {
      const owner = owners.get(r.id);
      if (!owner) throw new DataError(`no data source holds recording ${r.id}`, { value: r.id });
      return owner.source.readSignal(owner.record);
    },
  };
}
