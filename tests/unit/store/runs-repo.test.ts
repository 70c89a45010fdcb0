import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newRunId, openStore, RunNotFoundError, type Store } from '../../../src-main/store/index.js';
import { newRun, tempDir } from './helpers.js';

let tmp: ReturnType<typeof tempDir>;
let store: Store;
beforeEach(() => { tmp = tempDir(); store = openStore(join(tmp.dir, 'runs.sqlite')); });
afterEach(() => { store.close(); tmp.cleanup(); });

describe('runs repo', () => {
  it('creates and reads back a run with config parsed to an object', () => {
    const created = store.runs.create(newRun('r1', { dataManifestHash: 'abc' }));
    expect(created).toMatchObject({
      id: 'r1', status: 'created', scale: 'quick', configHash: 'cafe', dataSource: 'synthetic',
      dataManifestHash: 'abc', seed: 7, backend: null, versions: null, archived: false, parentRunId: null,
    });
    expect(created.config).toEqual({ model: { hidden: 64 }, trainer: { lr: 1e-3 } });
    expect(Date.parse(created.createdAt)).not.toBeNaN();
    expect(store.runs.get('r1')).toEqual(created);
    expect(store.runs.get('nope')).toBeUndefined();
  });

  it('refuses duplicate ids, bad status and a missing parent with clear messages', () => {
    store.runs.create(newRun('r1'));
    expect(() => store.runs.create(newRun('r1'))).toThrow(/run with this id already exists/);
    expect(() => store.runs.create(newRun('r2', { status: 'weird' as never }))).toThrow(/'weird' is not valid; expected one of created, running/);
    expect(() => store.runs.create(newRun('r3', { parentRunId: 'ghost' }))).toThrow(/parent run ghost does not exist/);
    expect(store.runs.list({ includeArchived: true }).map((r) => r.id)).toEqual(['r1']);
  });

  it('updates fields and parses versions', () => {
    store.runs.create(newRun('r1'));
    const u = store.runs.update('r1', {
      status: 'completed', startedAt: '2026-12-01T10:00:00.000Z', finishedAt: '2026-12-01T10:05:00.000Z',
      durationS: 300.5, backend: 'wasm', versions: { tfjs: '4.22.0' }, error: null, archived: true,
    });
    expect(u).toMatchObject({ status: 'completed', durationS: 300.5, backend: 'wasm', versions: { tfjs: '4.22.0' }, archived: true });
    expect(store.runs.get('r1')?.finishedAt).toBe('2026-12-01T10:05:00.000Z');
    expect(() => store.runs.update('ghost', { status: 'failed' })).toThrow(/No run with id 'ghost'/);
    expect(() => store.runs.update('r1', { bogus: 1 } as never)).toThrow(/unknown field 'bogus'/);
    expect(() => store.runs.update('r1', { status: 'done' as never })).toThrow(/'done' is not valid/);
  });

  it('lists newest first, filters by status, hides archived unless asked, limits', () => {
    store.runs.create(newRun('a', { createdAt: '2026-01-01T00:00:00.000Z' }));
    store.runs.create(newRun('b', { createdAt: '2026-01-03T00:00:00.000Z', status: 'failed' }));
    store.runs.create(newRun('c', { createdAt: '2026-01-02T00:00:00.000Z' }));
    store.runs.update('c', { archived: true });
    expect(store.runs.list().map((r) => r.id)).toEqual(['b', 'a']);
    expect(store.runs.list({ includeArchived: true }).map((r) => r.id)).toEqual(['b', 'c', 'a']);
    expect(store.runs.list({ status: 'failed' }).map((r) => r.id)).toEqual(['b']);
    expect(store.runs.list({ status: ['created', 'failed'], includeArchived: true }).map((r) => r.id)).toEqual(['b', 'c', 'a']);
    expect(store.runs.list({ limit: 1 }).map((r) => r.id)).toEqual(['b']);
    expect(() => store.runs.list({ limit: -1 })).toThrow(/limit must be a non-negative integer/);
  });

  it('resolves full ids, unique prefixes and last; explains missing and ambiguous refs', () => {
    expect(() => store.runs.resolveId('last')).toThrow(/no runs yet/);
    store.runs.create(newRun('20261201-103612-a1b2', { createdAt: '2026-12-01T10:36:12.000Z' }));
    store.runs.create(newRun('20261201-103612-a1c3', { createdAt: '2026-12-01T10:36:12.500Z' }));
    store.runs.create(newRun('20261130-090000-ffff', { createdAt: '2026-11-30T09:00:00.000Z' }));
    expect(store.runs.resolveId('20261201-103612-a1b2')).toBe('20261201-103612-a1b2');
    expect(store.runs.resolveId('20261130')).toBe('20261130-090000-ffff');
    expect(store.runs.resolveId(' 20261201-103612-a1c ')).toBe('20261201-103612-a1c3');
    expect(store.runs.resolveId('last')).toBe('20261201-103612-a1c3');
    expect(() => store.runs.resolveId('20261201')).toThrow(/ambiguous.*20261201-103612-a1c3.*20261201-103612-a1b2/s);
    expect(() => store.runs.resolveId('2099')).toThrow(/No run matches '2099'.*flowbench runs/s);
    expect(() => store.runs.resolveId('2026%')).toThrow(/No run matches/); // % is not a wildcard
    expect(() => store.runs.resolveId('')).toThrow(/Empty run id/);
  });

  it("'last' skips archived runs; a typo'd id is answered with the nearest ids", () => {
    store.runs.create(newRun('20261201-103612-a1b2', { createdAt: '2026-12-01T10:36:12.000Z' }));
    store.runs.create(newRun('20261202-080000-0c0d', { createdAt: '2026-12-02T08:00:00.000Z' }));
    store.runs.update('20261202-080000-0c0d', { archived: true });
    expect(store.runs.resolveId('last')).toBe('20261201-103612-a1b2');
    // one wrong character in the middle: no prefix matches, the id is suggested
    expect(() => store.runs.resolveId('20261201-103613-a1b2')).toThrow(RunNotFoundError);
    expect(() => store.runs.resolveId('20261201-103613-a1b2')).toThrow(/Did you mean 20261201-103612-a1b2\?/);
    // nothing near: the newest ids are listed instead
    expect(() => store.runs.resolveId('nosuchrun')).toThrow(/No run matches 'nosuchrun'.*The newest: 20261202-080000-0c0d, 20261201-103612-a1b2/s);
    store.runs.update('20261201-103612-a1b2', { archived: true });
    expect(() => store.runs.resolveId('last')).toThrow(/Every run .* is archived.*runs --all/s);
  });

  it('newRunId is sortable UTC time plus a random suffix', () => {
    const now = new Date(Date.UTC(2026, 11, 1, 10, 36, 12));
    const id = newRunId(now);
    expect(id).toMatch(/^20261201-103612-[0-9a-f]{4}$/);
    const ids = new Set(Array.from({ length: 50 }, () => newRunId(now)));
    expect(ids.size).toBeGreaterThan(45);
    expect(newRunId(new Date(Date.UTC(2026, 0, 2))) < newRunId(new Date(Date.UTC(2026, 0, 10)))).toBe(true);
  });
});
