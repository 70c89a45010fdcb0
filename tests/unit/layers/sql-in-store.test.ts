/**
 * SQL lives in store/ only (lint:layers keeps better-sqlite3 and the store's connection
 * there; this reads the sources for what an import rule cannot see): no string literal
 * outside src-main/store/ holds a SQL statement, and no code there calls prepare/pragma.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const repo = path.resolve(import.meta.dirname, '../../..');
const SQL = /\b(SELECT\s[\s\S]*?\bFROM\s|INSERT\s+(OR\s+\w+\s+)?INTO\s|UPDATE\s+\w+\s+SET\s|DELETE\s+FROM\s|CREATE\s+(TABLE|INDEX|TRIGGER)\s|DROP\s+TABLE\s|ALTER\s+TABLE\s|PRAGMA\s)/i;
const CALL = /\.(prepare|pragma)\(/;
/** Quoted and template strings (one line or several), comments removed first. */
const STRING = /(['"`])((?:\\.|(?!\1)[^\\])*)\1/g;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((d) => d.isFile() && /\.(ts|mts|vue)$/.test(d.name))
    .map((d) => path.join(d.parentPath, d.name));
}

/** `file: text` for every SQL string literal and connection call in a source. */
function sqlOutsideStore(text: string): string[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
  const found: string[] = [];
  for (const m of code.matchAll(STRING)) if (SQL.test(m[2]!)) found.push(m[0].slice(0, 80));
  for (const line of code.split('\n')) if (CALL.test(line)) found.push(line.trim().slice(0, 80));
  return found;
}

describe('SQL only in store/', () => {
  it('the detector sees SQL in strings and connection calls, not words in comments', () => {
    expect(sqlOutsideStore("const q = `SELECT MAX(step) AS s\n  FROM metrics WHERE run_id = ?`;")).toHaveLength(1);
    expect(sqlOutsideStore("db.prepare('delete from runs where id = ?').run(id);")).toHaveLength(2);
    expect(sqlOutsideStore("conn.pragma('integrity_check');")).toHaveLength(1);
    expect(sqlOutsideStore('/** The paths to delete from `all` under the keep-N rule. */\n// select the best from the list\nconst a = "select a model";')).toEqual([]);
  });

  it('no source outside src-main/store/ holds SQL', () => {
    const offenders: string[] = [];
    for (const top of ['src-main', 'src-preload', 'src-renderer']) {
      for (const file of sources(path.join(repo, top))) {
        const rel = path.relative(repo, file).split(path.sep).join('/');
        if (rel.startsWith('src-main/store/')) continue;
        for (const hit of sqlOutsideStore(readFileSync(file, 'utf8'))) offenders.push(`${rel}: ${hit}`);
      }
    }
    expect(offenders).toEqual([]);
    // and store/ does hold it (the scan reads what it should)
    const store = sources(path.join(repo, 'src-main/store')).flatMap((f) => sqlOutsideStore(readFileSync(f, 'utf8')));
    expect(store.length).toBeGreaterThan(10);
  });
});
