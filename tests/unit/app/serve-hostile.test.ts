/**
 * `flowbench serve` under hostile input (issue 14): a real server, store, job manager and
 * engine. Malformed URLs and WebSocket frames are answered with a 4xx or a close code and
 * logged; the server keeps answering and a training run it started finishes `completed`.
 * Data is read only under the roots the user chose. Before the fix each malformed input
 * below ended the process (no 'error' handler on the socket, decodeURIComponent outside a try).
 */
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { wsProtocols } from '../../../src-preload/contract.js';
import { createJobManager, type JobManager } from '../../../src-main/host/app/job-manager.js';
import { startServer, MAX_MESSAGE_BYTES, type ServeHandle } from '../../../src-main/host/app/serve.js';
import { openStore, type Store } from '../../../src-main/store/index.js';
import { createWsTransport, type SocketConstructor } from '../../../src-renderer/src/transport/ws-transport.js';
import type { Transport } from '../../../src-renderer/src/transport/transport.js';
import { tempHome } from '../../support/cli.js';
import { closeCodeFor as closeCodeAt, maskedFrame as frame, rawGet as rawGetAt } from '../../support/fuzz.js';

let home: string;
let dataRoot: string;
let store: Store;
let jobs: JobManager;
let server: ServeHandle;
let transport: Transport;
const logged: string[] = [];

function browserLikeWs(origin: string): SocketConstructor {
  return class extends WebSocket {
    constructor(url: string, protocols?: string[]) {
      super(url, protocols, { headers: { Origin: origin } });
    }
  } as unknown as SocketConstructor;
}

/** A manifest folder with one 1 kHz CSV recording. */
function writeDataset(dir: string, rowPath = 'sig.csv'): void {
  mkdirSync(dir, { recursive: true });
  const values = Array.from({ length: 2048 }, (_, i) => Math.sin(i / 5).toFixed(5));
  writeFileSync(path.join(dir, 'sig.csv'), `x\n${values.join('\n')}\n`);
  writeFileSync(path.join(dir, 'LABELS.csv'), `path,label,domain,fs_hz\n${rowPath},normal,d0,1000\n`);
}

beforeAll(async () => {
  home = tempHome('flowbench-serve-hostile-');
  const renderer = path.join(home, 'renderer');
  mkdirSync(path.join(renderer, 'assets'), { recursive: true });
  writeFileSync(path.join(renderer, 'index.html'), '<!doctype html><title>Flowbench</title>');
  writeFileSync(path.join(renderer, 'assets', 'app.js'), 'console.log(1)');
  dataRoot = path.join(home, 'data');
  writeDataset(path.join(dataRoot, 'good'));
  writeDataset(path.join(home, 'outside'));
  writeDataset(path.join(dataRoot, 'escapes'), '../../outside/sig.csv');
  symlinkSync(path.join(home, 'outside'), path.join(dataRoot, 'link'));
  store = openStore(path.join(home, 'db.sqlite'));
  jobs = createJobManager({ store, workdir: path.join(home, 'runs'), cwd: dataRoot });
  server = await startServer({
    store, jobs, port: 0, host: '127.0.0.1', rendererDir: renderer, cwd: dataRoot, dataRoots: [dataRoot],
    figuresDir: path.join(home, 'figures'), log: (line) => logged.push(line),
  });
  transport = createWsTransport(`ws://127.0.0.1:${server.port}/api`, browserLikeWs(`http://127.0.0.1:${server.port}`), wsProtocols(server.token));
});

afterAll(async () => {
  await jobs.close();
  await server.close();
  store.close();
  rmSync(home, { recursive: true, force: true });
});

const rawGet = (pathname: string, headers: Record<string, string> = {}) => rawGetAt(server.port, pathname, headers);
const closeCodeFor = (bytes: Buffer) => closeCodeAt(server.port, server.token, bytes);

describe('serve under hostile input', () => {
  it('keeps a training run going through every malformed request and frame, and answers each with a 4xx or close code', async () => {
    const sets = ['data.window_length=256', 'model.hidden_dim=64', 'task.epochs=1', 'trainer.steps_per_epoch=6', 'trainer.log_every_n_steps=1', 'data.max_windows_per_file=8'];
    const { id } = await transport.call('startRun', { scale: 'quick', sets });

    // Malformed percent-encoding: 400, not an exit.
    expect(await rawGet(`/%E0%A4%A?token=${server.token}`)).toBe(400);
    expect(await rawGet('/assets/%')).toBe(400);
    expect(await rawGet('/assets/%ff%fe')).toBe(400);
    expect(await rawGet('/assets/no%20such.js')).toBe(404);
    expect(await rawGet('/assets/..%2f..%2fetc%2fpasswd')).toBe(404);
    // A page on another local port (same site) cannot use the server.
    expect(await rawGet('/assets/app.js', { Host: `127.0.0.1:${server.port}`, 'Sec-Fetch-Site': 'same-site' })).toBe(403);

    const big = Buffer.alloc(10);
    big[0] = 0x82;
    big[1] = 0x80 | 127;
    big.writeBigUInt64BE(BigInt(MAX_MESSAGE_BYTES + 1), 2);
    const codes = {
      unmasked: await closeCodeFor(Buffer.from([0x81, 0x02, 0x68, 0x69])),
      reservedBits: await closeCodeFor(frame(0xc1, Buffer.from('hi'))),
      unknownOpcode: await closeCodeFor(frame(0x83, Buffer.from('hi'))),
      invalidUtf8: await closeCodeFor(frame(0x81, Buffer.from([0xff, 0xfe, 0xfd]))),
      tooBig: await closeCodeFor(Buffer.concat([big, Buffer.alloc(4)])),
    };
    expect(codes).toEqual({ unmasked: 1002, reservedBits: 1002, unknownOpcode: 1002, invalidUtf8: 1007, tooBig: 1009 });
    expect(logged.filter((l) => l.startsWith('WebSocket frame refused')).length).toBe(5);
    expect(logged.some((l) => l.startsWith('400 for GET'))).toBe(true);

    // Hostile but well-formed messages: a reply, not an exit.
    expect(await transport.call('listRuns', {})).toMatchObject({ runs: [expect.objectContaining({ id })] });
    await expect(transport.call('resolveSpec', { scale: 'quick', sets: ['__proto__.polluted=1'] })).rejects.toThrow(/reserved/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();

    await jobs.whenFinished(id);
    expect(store.runs.get(id)?.status).toBe('completed');
    expect(await rawGet(`/?token=${server.token}`)).toBe(200);
  }, 120_000);

  it('reads data only under the chosen roots: no outside path, no symlink or manifest row leading out', async () => {
    const preview = await transport.call('previewData', { source: 'files', path: 'good', windowLength: 256 });
    expect(preview.files).toBe(1);
    const outside = path.join(home, 'outside');
    await expect(transport.call('previewData', { source: 'files', path: outside })).rejects.toThrow(/outside the data folders this host may read/);
    await expect(transport.call('previewData', { source: 'files', path: 'link' })).rejects.toThrow(/link .*→ .*outside/);
    await expect(transport.call('previewData', { source: 'files', path: 'escapes' })).rejects.toThrow(/recording 1 of .*escapes.*outside the data folders/);
    await expect(transport.call('previewData', { source: 'files', path: '/etc/passwd' })).rejects.toThrow(/\/etc\/passwd is outside/);
    const before = store.runs.list({}).length;
    await expect(transport.call('startRun', { scale: 'quick', sets: ['data.source=files', `data.path=${outside}`] })).rejects.toThrow(/outside the data folders/);
    await expect(transport.call('startRun', { scale: 'quick', sets: ['data.source=files', 'data.path=escapes'] })).rejects.toThrow(/recording 1\b.*outside\/sig\.csv is outside the data folders/);
    expect(store.runs.list({}).length).toBe(before);
  });
});
