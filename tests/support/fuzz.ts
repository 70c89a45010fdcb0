/**
 * Fuzz campaigns shared by the CI fuzz test (small counts, under a minute) and
 * `scripts/fuzz.ts` (release checks, large counts). Each campaign drives a real part with
 * seeded random input and returns what happened; any outcome other than the allowed ones
 * (a DataError, a validation error, a 4xx, a close code) is collected as a failure.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { wsProtocols } from '../../src-preload/contract.js';
import { API_METHODS } from '../../src-preload/methods.js';
import { DataError } from '../../src-main/data/index.js';
import { readSignalFile } from '../../src-main/data/readers/signal-file.js';
import type { ApiHandlers } from '../../src-main/host/app/api-handlers.js';
import { writeMatV5 } from '../unit/data/readers/mat-v5-writer.js';

/** mulberry32: small, seeded, good enough to pick mutations. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const STRUCT_FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'data', 'mat-structs');

/**
 * The files the file campaign mutates: MAT v5 (plain, compressed, a matrix beside an empty
 * struct), SciPy-written structs (nested, a struct array, a cell), HDF5, CSV (with a rate
 * comment; with a time-stamp column). `samples`: the length of their signal. The HDF5 seed is
 * written in `dir` first (h5wasm writes files).
 */
export async function fileSeeds(dir: string, samples: number): Promise<{ name: string; bytes: Uint8Array }[]> {
  const wave = Array.from({ length: samples }, (_, i) => Math.sin(i / 5));
  const h5wasm = (await import('h5wasm/node')).default;
  await h5wasm.ready;
  mkdirSync(dir, { recursive: true });
  const h5 = path.join(dir, 'seed.h5');
  const f = new h5wasm.File(h5, 'w');
  f.create_dataset({ name: 'x', data: new Float32Array(wave), shape: [samples / 2, 2] });
  f.close();
  return [
    { name: 'plain.mat', bytes: writeMatV5([{ name: 'sig', values: wave }, { name: 'fs', values: [12000] }]) },
    { name: 'zipped.mat', bytes: writeMatV5([{ name: 'sig', values: wave, storage: 'int16' }], { compress: true }) },
    { name: 'two.mat', bytes: writeMatV5([{ name: 'a', values: wave, dims: [samples / 2, 2] }, { name: 's', className: 'struct', dims: [1, 1] }]) },
    { name: 'struct.mat', bytes: readFileSync(path.join(STRUCT_FIXTURES, 'no_signal.mat')) },
    { name: 'nested.mat', bytes: readFileSync(path.join(STRUCT_FIXTURES, 'struct_nested.mat')) },
    { name: 'seed.h5', bytes: readFileSync(h5) },
    { name: 'seed.csv', bytes: Buffer.from(`# fs: 12000\nx,y\n${wave.map((v, i) => `${v},${i}`).join('\n')}\n`) },
    { name: 'stamped.csv', bytes: Buffer.from(`time,DE\n${wave.slice(0, 200).map((v, i) => `2024-03-01 12:00:${(i / 100).toFixed(2)},${v}`).join('\n')}\n`) },
  ];
}

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const int = (r: () => number, n: number): number => Math.floor(r() * n);

/** One to four random edits: bit flips, overwritten runs, truncation, inserted or duplicated bytes. */
export function mutate(bytes: Uint8Array, r: () => number): Uint8Array {
  let out = Buffer.from(bytes);
  for (let k = 1 + int(r, 4); k > 0; k--) {
    const at = int(r, Math.max(1, out.length));
    switch (int(r, 5)) {
      case 0: out[at] = (out[at] ?? 0) ^ (1 << int(r, 8)); break;
      case 1: out.fill(pick(r, [0x00, 0xff, 0x7f, 0x80]), at, Math.min(out.length, at + 1 + int(r, 16))); break;
      case 2: out = out.subarray(0, at); break;
      case 3: out = Buffer.concat([out.subarray(0, at), Buffer.from(Array.from({ length: 1 + int(r, 32) }, () => int(r, 256))), out.subarray(at)]); break;
      default: out = Buffer.concat([out.subarray(0, at), out.subarray(at, at + int(r, 64)), out.subarray(at)]); break;
    }
  }
  return out;
}

export interface CampaignResult {
  runs: number;
  /** Outcomes by kind (e.g. ok, DataError, 400, close 1002). */
  outcomes: Record<string, number>;
  failures: string[];
  slowestMs: number;
}

function tally(result: CampaignResult, kind: string, ms: number): void {
  result.outcomes[kind] = (result.outcomes[kind] ?? 0) + 1;
  result.slowestMs = Math.max(result.slowestMs, ms);
  result.runs += 1;
}

const empty = (): CampaignResult => ({ runs: 0, outcomes: {}, failures: [], slowestMs: 0 });

/** Mutated seed files through readSignalFile: each read succeeds or is a DataError. */
export async function fuzzFiles(seeds: { name: string; bytes: Uint8Array }[], runs: number, seed: number, dir: string): Promise<CampaignResult> {
  const r = rng(seed);
  const result = empty();
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < runs; i++) {
    const s = seeds[i % seeds.length]!;
    const file = path.join(dir, `${i}-${s.name}`);
    writeFileSync(file, mutate(s.bytes, r));
    const t0 = performance.now();
    try {
      await readSignalFile(file);
      tally(result, 'ok', performance.now() - t0);
    } catch (err) {
      tally(result, err instanceof DataError ? 'DataError' : 'other', performance.now() - t0);
      if (!(err instanceof DataError)) result.failures.push(`${file}: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`);
    }
  }
  return result;
}

/** A random JSON-ish value, sometimes with prototype keys, huge numbers or long strings. */
export function randomValue(r: () => number, depth = 0): unknown {
  switch (int(r, depth > 2 ? 6 : 9)) {
    case 0: return null;
    case 1: return pick(r, [0, -1, 1e308, -1e-320, 2 ** 53, 3.5, NaN]);
    case 2: return pick(r, ['', 'last', '../../etc/passwd', '%E0%A4%A', 'a'.repeat(10_000), 'quick', 'task.lr=1', '__proto__.x=1']);
    case 3: return r() < 0.5;
    case 4: return int(r, 300);
    case 5: return pick(r, ['synthetic', 'files', 'x', 'mlp']);
    case 6: return Array.from({ length: int(r, 4) }, () => randomValue(r, depth + 1));
    default: {
      const o: Record<string, unknown> = {};
      const keys = ['id', 'limit', 'status', 'scale', 'sets', 'source', 'path', 'windowLength', 'runIds', 'archived', '__proto__', 'constructor', 'names', 'layout'];
      for (let k = int(r, 5); k > 0; k--) Object.defineProperty(o, pick(r, keys), { value: randomValue(r, depth + 1), enumerable: true, configurable: true, writable: true });
      return o;
    }
  }
}

/** Random payloads to every API method: each resolves or rejects with an Error; nothing pollutes a prototype. */
export async function fuzzApi(handlers: ApiHandlers, runs: number, seed: number): Promise<CampaignResult> {
  const r = rng(seed);
  const result = empty();
  for (let i = 0; i < runs; i++) {
    const method = pick(r, API_METHODS);
    const payload = randomValue(r);
    const t0 = performance.now();
    try {
      await handlers[method](payload);
      tally(result, 'ok', performance.now() - t0);
    } catch (err) {
      tally(result, err instanceof Error ? 'rejected' : 'other', performance.now() - t0);
      if (!(err instanceof Error)) result.failures.push(`${method}(${JSON.stringify(payload)?.slice(0, 200)}): threw a non-Error ${String(err)}`);
    }
    if (Object.keys(Object.prototype).length > 0 || ({} as Record<string, unknown>).x !== undefined) {
      result.failures.push(`${method}(${JSON.stringify(payload)?.slice(0, 200)}): polluted Object.prototype`);
      break;
    }
  }
  return result;
}

/** A raw GET (no client-side normalisation); resolves with the status, or -1 when the socket failed. */
export function rawGet(port: number, pathname: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve) => {
    try {
      const req = request({ host: '127.0.0.1', port, path: pathname, headers }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', () => resolve(-1));
      req.end();
    } catch {
      resolve(-2); // the client refused to send it (e.g. a control character in the path)
    }
  });
}

/**
 * Opens a WebSocket by hand (token as subprotocol, our Origin), writes `frame`, and resolves
 * with the server's close code, or -1 when the socket ended without one (or after 2 s idle).
 */
export function closeCodeFor(port: number, token: string, frame: Buffer): Promise<number> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let buf = Buffer.alloc(0);
    let upgraded = false;
    const done = (code: number) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(code);
    };
    const timer = setTimeout(() => done(-1), 2000);
    socket.on('error', () => done(-1));
    socket.on('close', () => done(-1));
    socket.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      if (!upgraded) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        if (buf.subarray(0, 12).toString() !== 'HTTP/1.1 101') return done(-3);
        upgraded = true;
        buf = buf.subarray(end + 4);
        socket.write(frame);
      }
      // The server's close frame: 0x88, length, 2-byte code.
      if (buf.length >= 4 && buf[0] === 0x88) done(buf.readUInt16BE(2));
    });
    socket.write(
      [
        'GET /api HTTP/1.1',
        `Host: 127.0.0.1:${port}`,
        'Upgrade: websocket',
        'Connection: Upgrade',
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
        'Sec-WebSocket-Version: 13',
        `Sec-WebSocket-Protocol: ${wsProtocols(token).join(', ')}`,
        `Origin: http://127.0.0.1:${port}`,
        '',
        '',
      ].join('\r\n'),
    );
  });
}

/** A masked client frame with a zero mask key (so the payload goes as it is). */
export function maskedFrame(firstByte: number, payload: Buffer): Buffer {
  return Buffer.concat([Buffer.from([firstByte, 0x80 | payload.length, 0, 0, 0, 0]), payload]);
}

/** Random URLs and random WebSocket frames at a running server; then it must still answer. */
export async function fuzzServe(port: number, token: string, runs: number, seed: number): Promise<CampaignResult> {
  const r = rng(seed);
  const result = empty();
  const pieces = ['/', '/assets/', '%', '%E0%A4%A', '%ff', '..', '%2e%2e/', 'index.html', '?token=', token.slice(0, 8), '#', '//', '\\', 'app.js', '%00', 'a'.repeat(300)];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    if (r() < 0.5) {
      const url = '/' + Array.from({ length: 1 + int(r, 5) }, () => pick(r, pieces)).join('');
      const status = await rawGet(port, url, r() < 0.3 ? { 'Sec-Fetch-Site': pick(r, ['same-site', 'cross-site', 'none']) } : {});
      tally(result, String(status), performance.now() - t0);
      if (status >= 500) result.failures.push(`GET ${url} → ${status}`);
    } else {
      const len = int(r, 40);
      const payload = Buffer.from(Array.from({ length: len }, () => int(r, 256)));
      const first = int(r, 256);
      const frame = r() < 0.5 ? maskedFrame(first, payload) : Buffer.concat([Buffer.from([first, int(r, 256)]), payload]);
      const code = await closeCodeFor(port, token, frame);
      tally(result, `close ${code}`, performance.now() - t0);
      if (code === -3) result.failures.push(`upgrade refused for frame ${frame.toString('hex')}`);
    }
  }
  const alive = await rawGet(port, `/?token=${token}`);
  if (alive !== 200) result.failures.push(`after the campaign the server answered ${alive} for its own page`);
  return result;
}
