/**
 * Command-line overrides: `--set key.path=value`, the value read as a YAML scalar or flow
 * value (`3e-4`, `true`, `[0, 1]`, `{rpm: 1797, load_hp: 0}`), then validated exactly like
 * a key in the file.
 */
import { parseDocument } from 'yaml';
import type { ConfigIssue } from './errors.js';
import { RESERVED_KEYS, RESERVED_KEY_MESSAGE, findReservedKey, formatPath, setPath, type PlainObject } from './paths.js';

export interface SetOverride {
  /** The argument as given, used to name it in messages. */
  source: string;
  path: string[];
  value: unknown;
}

const KEY_PATH = /^[A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z_][A-Za-z0-9_-]*)*$/;

/** Parses one `--set` argument; returns an issue instead of throwing. */
export function parseSetArg(arg: string): SetOverride | ConfigIssue {
  const source = `--set ${arg}`;
  const eq = arg.indexOf('=');
  if (eq < 0) {
    return { path: '', source, message: 'expected key=value with a dotted key path, e.g. --set task.lr=3e-4' };
  }
  const key = arg.slice(0, eq).trim();
  const text = arg.slice(eq + 1).trim();
  if (!KEY_PATH.test(key)) {
    return {
      path: key,
      source,
      message: `"${key}" is not a key path; expected dotted names such as task.lr or data.synthetic.fs_hz`,
    };
  }
  const reserved = key.split('.').find((seg) => RESERVED_KEYS.has(seg));
  if (reserved) return { path: key, source, message: `"${reserved}" ${RESERVED_KEY_MESSAGE}` };
  if (text === '') {
    return { path: key, source, message: 'no value after "="; write null to clear a key' };
  }
  const doc = parseDocument(text);
  if (doc.errors.length) {
    const why = doc.errors[0].message.split('\n')[0];
    return { path: key, source, message: `value ${JSON.stringify(text)} is not valid YAML (${why})` };
  }
  const value: unknown = doc.toJS();
  const inValue = findReservedKey(value);
  if (inValue) return { path: key, source, message: `the value's key "${formatPath(inValue)}" ${RESERVED_KEY_MESSAGE}` };
  return { source, path: key.split('.'), value };
}

export function isSetOverride(x: SetOverride | ConfigIssue): x is SetOverride {
  return Array.isArray((x as SetOverride).path);
}

/** The override as a sparse mapping, e.g. `{ task: { lr: 0.0003 } }`. */
export function overrideToObject(o: SetOverride): PlainObject {
  const out: PlainObject = {};
  setPath(out, o.path, o.value);
  return out;
}
