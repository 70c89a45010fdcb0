/**
 * The data sources of `data.path`: one path, one `{path, signal_key}`, or a list of either.
 * A source's own signal_key names the MAT variable / column of that folder alone, so folders
 * whose variables differ (a drive-end folder beside a fan-end one) train together; without
 * it the source reads `data.signal_key`, then the manifest's column. On the command line the
 * same is `--data PATH::SIGNAL_KEY`.
 */
import { z } from 'zod';

/** One data source with its own signal key (null = data.signal_key, then the manifest's). */
export const dataSourceObjectSchema = z.strictObject({
  /** Folder holding a manifest (LABELS.csv), a manifest CSV, or a single signal file. */
  path: z.string().min(1),
  /** Variable/column name or a suffix of one for this source's files (e.g. `_FE_time`). */
  signal_key: z.string().min(1).nullable().default(null),
});

export const dataSourceEntrySchema = z.union([z.string().min(1), dataSourceObjectSchema]);

/** data.path: a source, or several trained at once (each keeps its dataset id as a condition). */
export const dataPathSchema = z.union([dataSourceEntrySchema, z.array(dataSourceEntrySchema).min(1)]).nullable().default(null);

export type DataSourceEntry = z.infer<typeof dataSourceEntrySchema>;
export type DataPath = z.infer<typeof dataPathSchema>;
export interface DataSourceSpec { path: string; signal_key: string | null }

/** Every source of data.path as {path, signal_key} (signal_key null where the source names none). */
export function dataSources(p: DataPath): DataSourceSpec[] {
  if (p === null) return [];
  return (Array.isArray(p) ? p : [p]).map((e) => (typeof e === 'string' ? { path: e, signal_key: null } : { path: e.path, signal_key: e.signal_key ?? null }));
}

/** The paths alone, in order. */
export function dataSourcePaths(p: DataPath): string[] {
  return dataSources(p).map((s) => s.path);
}

/** data.path with every path mapped (e.g. made absolute), each entry keeping its shape. */
export function mapDataSourcePaths(p: DataPath, f: (path: string) => string): DataPath {
  const one = (e: DataSourceEntry): DataSourceEntry => (typeof e === 'string' ? f(e) : { ...e, path: f(e.path) });
  if (p === null) return null;
  return Array.isArray(p) ? p.map(one) : one(p);
}

/** Separates a source's signal key from its path in `--data PATH::SIGNAL_KEY` (the last `::`). */
export const DATA_ARG_KEY_SEPARATOR = '::';

/** `--data` text → a source; an empty key after `::` is an error message instead. */
export function parseDataArg(arg: string): DataSourceEntry | { error: string } {
  const at = arg.lastIndexOf(DATA_ARG_KEY_SEPARATOR);
  if (at < 0) return arg;
  const path = arg.slice(0, at).trim();
  const key = arg.slice(at + DATA_ARG_KEY_SEPARATOR.length).trim();
  if (path === '' || key === '') {
    return { error: `'${arg}': expected PATH or PATH${DATA_ARG_KEY_SEPARATOR}SIGNAL_KEY (e.g. ../cwru${DATA_ARG_KEY_SEPARATOR}_FE_time), with both parts non-empty` };
  }
  return { path, signal_key: key };
}
