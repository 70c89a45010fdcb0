/**
 * Reads the RunSpec schema back as words: which keys a section has, and what a key
 * accepts ("an integer ≥ 1 and ≤ 100000, or null"), so error messages come from the
 * schema itself and cannot drift from it.
 */
import { z } from 'zod';
import { runSpecSchema } from './schema.js';
import type { PathSegment } from './paths.js';

type AnySchema = z.ZodType;

/** Strips default/prefault/nullable/optional wrappers. */
function unwrap(schema: AnySchema): AnySchema {
  let cur: AnySchema = schema;
  for (;;) {
    const def = (cur as unknown as { _zod: { def: { type: string; innerType?: AnySchema } } })._zod.def;
    if (['default', 'prefault', 'nullable', 'optional'].includes(def.type) && def.innerType) cur = def.innerType;
    else return cur;
  }
}

/** The schema for a key path, or null when the path does not exist. */
export function schemaAt(path: readonly PathSegment[], root: AnySchema = runSpecSchema): AnySchema | null {
  let cur: AnySchema = root;
  for (const seg of path) {
    const inner = unwrap(cur);
    if (inner instanceof z.ZodObject && typeof seg === 'string') {
      const next = (inner.shape as Record<string, AnySchema>)[seg];
      if (!next) return null;
      cur = next;
    } else if (inner instanceof z.ZodArray && typeof seg === 'number') {
      cur = inner.element as AnySchema;
    } else {
      return null;
    }
  }
  return cur;
}

/** Keys of the mapping at a path ([] when it is not a mapping). */
export function validKeysAt(path: readonly PathSegment[], root: AnySchema = runSpecSchema): string[] {
  const schema = schemaAt(path, root);
  if (!schema) return [];
  const inner = unwrap(schema);
  return inner instanceof z.ZodObject ? Object.keys(inner.shape) : [];
}

/** Whether the schema at a path is a mapping (so a null there can stand for "all defaults"). */
export function isMappingAt(path: readonly PathSegment[]): boolean {
  const schema = schemaAt(path);
  return !!schema && unwrap(schema) instanceof z.ZodObject;
}

/** Every dotted key path the schema knows, e.g. `task.lr` (used for cross-section suggestions). */
export function allKeyPaths(schema: AnySchema = runSpecSchema, prefix: string[] = []): string[][] {
  const inner = unwrap(schema);
  if (!(inner instanceof z.ZodObject)) return [];
  const out: string[][] = [];
  for (const [key, child] of Object.entries(inner.shape as Record<string, AnySchema>)) {
    out.push([...prefix, key]);
    out.push(...allKeyPaths(child, [...prefix, key]));
  }
  return out;
}

/** What a schema accepts, in words. */
export function describeExpected(schema: AnySchema): string {
  try {
    return describeJson(z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Json);
  } catch {
    return 'a valid value';
  }
}

interface Json {
  type?: string;
  anyOf?: Json[];
  enum?: unknown[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  items?: Json;
  properties?: Record<string, Json>;
  propertyNames?: Json;
  additionalProperties?: Json | boolean;
}

const HUGE = 9e15; // zod's safe-integer bounds: not worth printing

function describeJson(js: Json): string {
  if (js.anyOf) {
    const parts = js.anyOf.map(describeJson);
    return [...new Set(parts)].join(parts.length > 2 ? ', or ' : ' or ');
  }
  if (js.const !== undefined) return `exactly ${JSON.stringify(js.const)}`;
  if (js.enum) return `one of ${js.enum.map((v) => JSON.stringify(v)).join(', ')}`;
  switch (js.type) {
    case 'null':
      return 'null';
    case 'boolean':
      return 'true or false';
    case 'integer':
    case 'number':
      return describeNumber(js);
    case 'string': {
      const base = js.minLength && js.minLength > 0 ? 'a non-empty string' : 'a string';
      return js.maxLength !== undefined ? `${base} of at most ${js.maxLength} characters` : base;
    }
    case 'array': {
      const items = js.items ? describeJson(js.items) : 'values';
      const min = js.minItems ? ` (at least ${js.minItems})` : '';
      return `a list${min} of: ${items}`;
    }
    case 'object':
      // A record (free keys, e.g. data.fs_overrides): what its keys and values accept.
      if (!js.properties && typeof js.additionalProperties === 'object') {
        const keys = js.propertyNames ? describeJson(js.propertyNames) : 'a string';
        return `a mapping of keys (${keys}) to values (${describeJson(js.additionalProperties)})`;
      }
      return `a mapping with keys ${Object.keys(js.properties ?? {}).join(', ')}`;
    default:
      return 'a valid value';
  }
}

function describeNumber(js: Json): string {
  const int = js.type === 'integer';
  const bounds: string[] = [];
  if (js.exclusiveMinimum !== undefined) bounds.push(int ? `≥ ${js.exclusiveMinimum + 1}` : `> ${js.exclusiveMinimum}`);
  else if (js.minimum !== undefined && Math.abs(js.minimum) < HUGE) bounds.push(`≥ ${js.minimum}`);
  if (js.exclusiveMaximum !== undefined) bounds.push(int ? `≤ ${js.exclusiveMaximum - 1}` : `< ${js.exclusiveMaximum}`);
  else if (js.maximum !== undefined && Math.abs(js.maximum) < HUGE) bounds.push(`≤ ${js.maximum}`);
  return `${int ? 'an integer' : 'a number'}${bounds.length ? ` ${bounds.join(' and ')}` : ''}`;
}
