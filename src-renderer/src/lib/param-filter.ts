/**
 * The history's parameter filter: `lr > 1e-4, batch >= 32, contrastive = true, model = dit`.
 * Parsed by a small grammar (never evaluated as code); a bad clause is refused naming it
 * and what would be valid. Clauses are joined by "," or "and"; all must hold.
 */
import { KEY_PARAMS, type Run } from '../../../src-preload/contract.js';

export const FILTER_OPERATORS = ['>=', '<=', '!=', '>', '<', '='] as const;
type Operator = (typeof FILTER_OPERATORS)[number];

/** Filterable names: the key parameters, plus model, status and scale. */
export const FILTER_NAMES = [...Object.keys(KEY_PARAMS), 'model', 'status', 'scale'] as const;

export interface Clause {
  name: string;
  op: Operator;
  value: number | string | boolean;
}

export class FilterError extends Error {}

const CLAUSE = /^\s*([A-Za-z_][\w.]*)\s*(>=|<=|!=|==|=|>|<)\s*(.+?)\s*$/;

function literal(text: string): number | string | boolean {
  if (text === 'true' || text === 'false') return text === 'true';
  const n = Number(text);
  if (text !== '' && Number.isFinite(n)) return n;
  return text.replace(/^["'](.*)["']$/, '$1');
}

export function parseFilter(text: string): Clause[] {
  const parts = text.split(/,|\band\b/i).map((p) => p.trim()).filter(Boolean);
  return parts.map((part) => {
    const m = CLAUSE.exec(part);
    if (!m) throw new FilterError(`"${part}" is not a condition; write NAME OP VALUE, e.g. lr > 1e-4 (operators ${FILTER_OPERATORS.join(' ')})`);
    const name = m[1]!.toLowerCase();
    if (!(FILTER_NAMES as readonly string[]).includes(name)) {
      throw new FilterError(`"${m[1]}" is not a filterable parameter; use one of ${FILTER_NAMES.join(', ')}`);
    }
    const op = (m[2] === '==' ? '=' : m[2]) as Operator;
    const value = literal(m[3]!);
    if (typeof value !== 'number' && ['>', '<', '>=', '<='].includes(op)) {
      throw new FilterError(`"${part}": ${op} needs a number, got "${m[3]}"`);
    }
    return { name, op, value };
  });
}

function valueOf(run: Run, name: string): unknown {
  if (name === 'model') return run.model;
  if (name === 'status') return run.status;
  if (name === 'scale') return run.scale;
  return run.params[name];
}

function holds(actual: unknown, op: Operator, want: Clause['value']): boolean {
  if (actual === null || actual === undefined) return op === '!=';
  if (typeof want === 'number') {
    if (typeof actual !== 'number') return op === '!=';
    return { '>': actual > want, '<': actual < want, '>=': actual >= want, '<=': actual <= want, '=': actual === want, '!=': actual !== want }[op];
  }
  // Text: equal, or the model "mlp 256" matching "mlp" by its first word.
  const a = String(actual).toLowerCase();
  const w = String(want).toLowerCase();
  const eq = a === w || a.split(' ')[0] === w;
  return op === '!=' ? !eq : eq;
}

export function matchesFilter(run: Run, clauses: readonly Clause[]): boolean {
  return clauses.every((c) => holds(valueOf(run, c.name), c.op, c.value));
}
