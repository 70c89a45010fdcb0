/**
 * Key paths as users read them (`task.lr`, `data.channels[0]`) and the small tree
 * operations the loader needs on plain YAML/JSON values.
 */

export type PathSegment = string | number;

/** `['data', 'channels', 0]` → `data.channels[0]`. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out ? `.${seg}` : seg;
  }
  return out;
}

export type PlainObject = Record<string, unknown>;

/**
 * Keys that reach Object.prototype (or a constructor) when assigned: never config keys.
 * Refused wherever a key arrives (YAML, --set, the wizard) so no path can pollute a prototype.
 */
export const RESERVED_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

export const RESERVED_KEY_MESSAGE = `is a reserved name (${[...RESERVED_KEYS].join(', ')}), never a config key`;

/** The first reserved key anywhere in a plain value's mappings (own keys), with its path; null if none. */
export function findReservedKey(value: unknown, at: PathSegment[] = [], seen = new Set<object>()): PathSegment[] | null {
  // YAML aliases share nodes and may form cycles (`&a [*a]`): each node is walked once.
  if (value === null || typeof value !== 'object' || seen.has(value)) return null;
  seen.add(value);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const hit = findReservedKey(value[i], [...at, i], seen);
      if (hit) return hit;
    }
  } else if (isPlainObject(value)) {
    for (const key of Object.keys(value)) {
      if (RESERVED_KEYS.has(key)) return [...at, key];
      const hit = findReservedKey(value[key], [...at, key], seen);
      if (hit) return hit;
    }
  }
  return null;
}

function assertNotReserved(seg: string): void {
  if (RESERVED_KEYS.has(seg)) throw new Error(`config key "${seg}" ${RESERVED_KEY_MESSAGE}`);
}

export function isPlainObject(value: unknown): value is PlainObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The value at a path, or undefined when any step is missing. */
export function getPath(root: unknown, path: readonly PathSegment[]): unknown {
  let cur: unknown = root;
  for (const seg of path) {
    if (Array.isArray(cur) && typeof seg === 'number') cur = cur[seg];
    else if (isPlainObject(cur) && typeof seg === 'string') cur = cur[seg];
    else return undefined;
  }
  return cur;
}

export function hasPath(root: unknown, path: readonly string[]): boolean {
  let cur: unknown = root;
  for (const seg of path) {
    if (!isPlainObject(cur) || !Object.prototype.hasOwnProperty.call(cur, seg)) return false;
    cur = cur[seg];
  }
  return true;
}

/** Sets a value, creating (or replacing non-object) parents as mappings. */
export function setPath(root: PlainObject, path: readonly string[], value: unknown): void {
  path.forEach(assertNotReserved);
  let cur = root;
  for (const seg of path.slice(0, -1)) {
    if (!isPlainObject(cur[seg])) cur[seg] = {};
    cur = cur[seg] as PlainObject;
  }
  cur[path[path.length - 1]] = value;
}

/** Removes a key; returns whether it was there. */
export function deletePath(root: PlainObject, path: readonly string[]): boolean {
  const parent = getPath(root, path.slice(0, -1));
  const key = path[path.length - 1];
  if (!isPlainObject(parent) || !Object.prototype.hasOwnProperty.call(parent, key)) return false;
  delete parent[key];
  return true;
}

/**
 * Deep merge of `over` onto `base` (neither mutated): mappings merge key by key, anything
 * else (lists, scalars, null) replaces. Calls `onWrite` for every path `over` supplies, so
 * the caller can remember which layer each value came from.
 */
export function mergeInto(
  base: unknown,
  over: unknown,
  onWrite?: (path: string[]) => void,
  at: string[] = [],
): unknown {
  if (isPlainObject(base) && isPlainObject(over)) {
    const out: PlainObject = { ...base };
    for (const [key, value] of Object.entries(over)) {
      assertNotReserved(key);
      out[key] = mergeInto(base[key], value, onWrite, [...at, key]);
    }
    if (at.length) onWrite?.(at);
    return out;
  }
  if (onWrite) walkLeaves(over, at, onWrite);
  return structuredClone(over);
}

function walkLeaves(value: unknown, at: string[], onWrite: (path: string[]) => void): void {
  if (at.length) onWrite(at);
  if (isPlainObject(value)) for (const [k, v] of Object.entries(value)) walkLeaves(v, [...at, k], onWrite);
}
