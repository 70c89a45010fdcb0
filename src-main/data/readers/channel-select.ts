import { DataError, listNames } from '../errors.js';

/** A channel that can be loaded on demand (float64 samples). */
export interface ChannelSource {
  name: string;
  load(): Float64Array;
}

/**
 * Resolve a key against names: an exact name wins; otherwise a unique suffix
 * (`_DE_time` → `X118_DE_time`), then a unique case-insensitive suffix.
 * @throws DataError listing the available names when nothing or several match
 */
export function resolveName(key: string, names: readonly string[], file: string, what: string): string {
  if (names.includes(key)) return key;
  let matches = names.filter((n) => n.endsWith(key));
  if (matches.length === 0) matches = names.filter((n) => n.toLowerCase().endsWith(key.toLowerCase()));
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1) {
    throw new DataError(
      `${file}: ${what} '${key}' is ambiguous: it matches ${listNames(matches)}; use a full name (available: ${listNames(names)})`,
      { file, key, value: matches },
    );
  }
  throw new DataError(`${file}: ${what} '${key}' not found; available: ${listNames(names)}`, { file, key });
}

/**
 * Pick channels by name, unique suffix or 0-based index into `pool`, in the order asked.
 * @throws DataError on an unknown name, an ambiguous suffix or an index out of range
 */
export function pickChannels(wanted: readonly (string | number)[], pool: readonly ChannelSource[], file: string): ChannelSource[] {
  const names = pool.map((c) => c.name);
  return wanted.map((w) => {
    if (typeof w === 'number') {
      if (!Number.isInteger(w) || w < 0 || w >= pool.length) {
        throw new DataError(`${file}: channel index ${w} is out of range; valid: 0..${pool.length - 1} (${listNames(names)})`, { file, key: 'channels', value: w });
      }
      return pool[w]!;
    }
    const name = resolveName(w, names, file, 'channel');
    return pool[names.indexOf(name)]!;
  });
}
