import { describe, expect, it } from 'vitest';
import { canonicalJson, loadRunSpec, specHash } from '../../../src-main/config/index.js';

describe('spec hash', () => {
  it('key order does not matter; values do', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, 1], c: null } })).toBe('{"a":{"c":null,"d":[2,1]},"b":1}');
    expect(specHash({ b: 1, a: { c: 2, d: 3 } })).toBe(specHash({ a: { d: 3, c: 2 }, b: 1 }));
    expect(specHash({ a: [1, 2] })).not.toBe(specHash({ a: [2, 1] }));
    expect(specHash({ a: 1 })).toMatch(/^[0-9a-f]{64}$/);
  });

  it('the same settings written differently hash the same', () => {
    const a = loadRunSpec({ cwd: '/', sets: ['task.lr=3e-4', 'task.epochs=5'] }).spec;
    const b = loadRunSpec({ cwd: '/', sets: ['task.epochs=5', 'task.lr=0.0003'] }).spec;
    const c = loadRunSpec({ cwd: '/', sets: ['task.epochs=6', 'task.lr=0.0003'] }).spec;
    expect(specHash(a)).toBe(specHash(b));
    expect(specHash(a)).not.toBe(specHash(c));
  });
});
