/**
 * YAML text → plain value, plus the line of every key (so errors can point at it) and a
 * warning for every repeated key. Repeats are accepted, last one winning, because the
 * reference's own YAMLs repeat keys (`normalization` twice).
 */
import { LineCounter, isMap, isNode, isPair, isScalar, isSeq, parseDocument, type Document } from 'yaml';
import type { ConfigIssue, ConfigWarning } from './errors.js';
import { RESERVED_KEY_MESSAGE, findReservedKey, formatPath, type PathSegment } from './paths.js';

export interface ParsedYaml {
  /** The document as plain data (null for an empty document). */
  value: unknown;
  /** formatPath(key path) → 1-based line of the key (or list item). */
  lines: Map<string, number>;
  warnings: ConfigWarning[];
  /** Syntax errors; when non-empty, `value` must not be used. */
  errors: ConfigIssue[];
}

export function parseYamlSource(text: string, source: string): ParsedYaml {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { uniqueKeys: false, lineCounter, merge: true, prettyErrors: false });
  const errors: ConfigIssue[] = doc.errors.map((e) => {
    const pos = lineCounter.linePos(e.pos[0]);
    // yaml's message carries its own position and a snippet; keep only the first sentence.
    const what = e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    return { path: '', source: `${source}:${pos.line}:${pos.col}`, message: `YAML syntax error: ${what}` };
  });
  const warnings: ConfigWarning[] = doc.warnings.map((w) => {
    const pos = lineCounter.linePos(w.pos[0]);
    return { path: '', source, line: pos.line, message: w.message.split('\n')[0] };
  });
  const lines = new Map<string, number>();
  if (errors.length) return { value: null, lines, warnings, errors };

  const lineOf = (offset: number | undefined): number | undefined =>
    offset === undefined ? undefined : lineCounter.linePos(offset).line;
  walk(doc, doc.contents, [], lines, warnings, source, lineOf);
  try {
    const value: unknown = doc.toJS({ maxAliasCount: 1000 });
    // yaml keeps `__proto__` as an own key; a later merge would assign it to a prototype.
    const reserved = findReservedKey(value);
    if (reserved) {
      const name = formatPath(reserved);
      const line = lines.get(name);
      const error = { path: name, source: line === undefined ? source : `${source}:${line}`, message: `key "${reserved.at(-1)}" ${RESERVED_KEY_MESSAGE}` };
      return { value: null, lines, warnings, errors: [error] };
    }
    return { value, lines, warnings, errors };
  } catch (err) {
    // Alias bombs ("Excessive alias count") and aliases to missing anchors throw here.
    return { value: null, lines, warnings, errors: [{ path: '', source, message: `YAML aliases: ${(err as Error).message}` }] };
  }
}

function walk(
  doc: Document,
  node: unknown,
  path: PathSegment[],
  lines: Map<string, number>,
  warnings: ConfigWarning[],
  source: string,
  lineOf: (offset: number | undefined) => number | undefined,
): void {
  if (isMap(node)) {
    const seen = new Map<string, number | undefined>();
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      if (key === '<<') continue; // merge key: its entries are folded in by toJS
      const line = lineOf(isNode(pair.key) ? pair.key.range?.[0] : undefined);
      const childPath = [...path, key];
      const name = formatPath(childPath);
      if (seen.has(key)) {
        const value = isNode(pair.value) ? pair.value.toJS(doc) : pair.value;
        warnings.push({
          path: name,
          source,
          line,
          message:
            `key given twice (lines ${seen.get(key) ?? '?'} and ${line ?? '?'}); ` +
            `the last one wins: ${JSON.stringify(value) ?? String(value)}`,
        });
        // Forget the earlier occurrence's nested lines: only the last one is used.
        for (const k of [...lines.keys()]) if (k.startsWith(`${name}.`) || k.startsWith(`${name}[`)) lines.delete(k);
      }
      seen.set(key, line);
      if (line !== undefined) lines.set(name, line);
      walk(doc, pair.value, childPath, lines, warnings, source, lineOf);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => {
      const line = lineOf(isNode(item) ? item.range?.[0] : undefined);
      if (line !== undefined) lines.set(formatPath([...path, i]), line);
      walk(doc, item, [...path, i], lines, warnings, source, lineOf);
    });
  }
}
