/**
 * `startServer` with a real store and job manager, reached through the renderer's own
 * WebSocket transport (with the `ws` client standing in for the browser's WebSocket).
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { wsProtocols, type RunEvent } from '../../../src-preload/contract.js';
import { createJobManager, type JobManager } from '../../../src-main/host/app/job-manager.js';
import { startServer, type ServeHandle } from '../../../src-main/host/app/serve.js';
import { openStore, type Store } from '../../../src-main/store/index.js';
import { createWsTransport, type SocketConstructor } from '../../../src-renderer/src/transport/ws-transport.js';
import type { Transport } from '../../../src-renderer/src/transport/transport.js';
import { tempHome } from '../../support/cli.js';

let home: string;
let store: Store;
let jobs: JobManager;
let server: ServeHandle;
let transport: Transport;

/** The browser sends its page's Origin; the ws client needs it set explicitly. */
function browserLikeWs(origin: string): SocketConstructor {
  return class extends WebSocket {
    constructor(url: string, protocols?: string[]) {
      super(url, protocols, { headers: { Origin: origin } });
    }
  } as unknown as SocketConstructor;
}

beforeAll(async () => {
  home = tempHome('flowbench-serve-');
  const renderer = path.join(home, 'renderer');
  mkdirSync(path.join(renderer, 'assets'), { recursive: true });
  writeFileSync(path.join(renderer, 'index.html'), '<!doctype html><title>Flowbench</title>');
  writeFileSync(path.join(renderer, 'assets', 'app.js'), 'console.log(1)');
  store = openStore(path.join(home, 'db.sqlite'));
  jobs = createJobManager({ store, workdir: path.join(home, 'runs'), cwd: process.cwd() });
  server = await startServer({ store, jobs, port: 0, host: '127.0.0.1', rendererDir: renderer, figuresDir: path.join(home, 'figures') });
  const origin = `http://127.0.0.1:${server.port}`;
  transport = createWsTransport(`ws://127.0.0.1:${server.port}/api`, browserLikeWs(origin), wsProtocols(server.token));
});

afterAll(async () => {
  await jobs.close();
  await server.close();
  store.close();
  rmSync(home, { recursive: true, force: true });
});

describe('startServer', () => {
  it('prints a 127.0.0.1 URL with a long random token', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{64}$/);
  });

  it('serves the page only with the token, sets no cookie, and its assets only to same-origin fetches', async () => {
    const base = `http://127.0.0.1:${server.port}`;
    expect((await fetch(`${base}/`)).status).toBe(401);
    expect((await fetch(`${base}/index.html`)).status).toBe(401);
    const index = await fetch(server.url);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(index.headers.get('content-security-policy')).toContain("frame-ancestors 'none'"); // a browser tab, unlike the app window, can be framed
    expect(index.headers.get('set-cookie')).toBeNull();
    // The page's own <script>: same-origin. Another local port's <img>/<script>: same-site → 403.
    expect((await fetch(`${base}/assets/app.js`, { headers: { 'Sec-Fetch-Site': 'same-origin' } })).status).toBe(200);
    expect((await fetch(`${base}/assets/app.js`, { headers: { 'Sec-Fetch-Site': 'same-site' } })).status).toBe(403);
    expect((await fetch(`${base}/assets/app.js`, { headers: { 'Sec-Fetch-Site': 'cross-site' } })).status).toBe(403);
    expect((await fetch(`${base}/../../etc/passwd?token=${server.token}`)).status).toBe(404);
    expect((await fetch(server.url, { headers: { Origin: 'http://evil.example' } })).status).toBe(403);
  });

  it('refuses WebSocket upgrades without the token (as a subprotocol) or from a foreign origin', async () => {
    const attempt = (url: string, origin: string | undefined, protocols: string[] = []) =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(url, protocols, { headers: origin ? { Origin: origin } : {} });
        ws.on('unexpected-response', (_q, res) => resolve(res.statusCode ?? 0));
        ws.on('open', () => (ws.close(), resolve(101)));
        ws.on('error', () => undefined);
      });
    const api = `ws://127.0.0.1:${server.port}/api`;
    const origin = `http://127.0.0.1:${server.port}`;
    expect(await attempt(api, origin)).toBe(401);
    expect(await attempt(api, origin, wsProtocols('0'.repeat(64)))).toBe(401);
    // A token in the query string is no longer a way in.
    expect(await attempt(`${api}?token=${server.token}`, origin)).toBe(401);
    expect(await attempt(api, 'http://evil.example', wsProtocols(server.token))).toBe(403);
    expect(await attempt(api, `http://127.0.0.1:${server.port + 1}`, wsProtocols(server.token))).toBe(403);
    expect(await attempt(api, undefined, wsProtocols(server.token))).toBe(403);
    expect(await attempt(api, origin, wsProtocols(server.token))).toBe(101);
  });

  it('answers contract calls through the same validating handlers as IPC', async () => {
    expect(await transport.call('listRuns', {})).toEqual({ runs: [] });
    await expect(transport.call('listRuns', { limit: 0 })).rejects.toThrow(/listRuns: bad request: limit/);
    await expect(transport.call('getRun', { id: 'nope' })).rejects.toThrow(/No run matches 'nope'/);
    const r = await transport.call('resolveSpec', { scale: 'quick', sets: ['model.hidden_dim=64'] });
    expect(r.yaml).toContain('hidden_dim: 64');
    expect(r.estimates.map((e) => e.scale)).toEqual(['quick', 'medium', 'full']);
    await expect(transport.call('resolveSpec', { scale: 'quick', sets: ['model.hiden_dim=64'] })).rejects.toThrow(/hidden_dim/);
  });

  it('starts a run and pushes its engine events to subscribers; history, archive and delete follow', async () => {
    const events: RunEvent[] = [];
    const unsubscribe = transport.onEvent((e) => events.push(e));
    await new Promise((r) => setTimeout(r, 100)); // let the subscribe message land
    const sets = ['data.window_length=256', 'model.hidden_dim=64', 'task.epochs=1', 'trainer.steps_per_epoch=4', 'trainer.log_every_n_steps=1', 'data.max_windows_per_file=8'];
    const { id } = await transport.call('startRun', { scale: 'quick', sets });
    expect((await transport.call('activeRuns', {})).runs.map((r) => r.id)).toContain(id);
    await jobs.whenFinished(id);
    await new Promise((r) => setTimeout(r, 100));
    unsubscribe();
    expect(events.map((e) => e.event)).toContain('step');
    expect(events.at(-1)).toMatchObject({ event: 'finished', run_id: id, status: 'completed' });

    const detail = await transport.call('getRun', { id });
    expect(detail.run.bestFlowLoss).not.toBeNull();
    expect((detail.config.model as { hidden_dim: number }).hidden_dim).toBe(64);

    await transport.call('archiveRun', { id, archived: true });
    expect((await transport.call('listRuns', {})).runs).toEqual([]);
    expect((await transport.call('listRuns', { includeArchived: true })).runs[0]).toMatchObject({ id, archived: true });
    expect(await transport.call('deleteRun', { id })).toMatchObject({ id, deleted: true, folderRemoved: false });
    expect((await transport.call('listRuns', { includeArchived: true })).runs).toEqual([]);
    expect(store.metrics.forRun(id)).toEqual([]);
  });
});
