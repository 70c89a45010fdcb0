/**
 * Browser host mode (`flowbench serve`): the built renderer over HTTP and the contract
 * over a WebSocket, on 127.0.0.1 only, guarded by a random token.
 *
 *   GET /?token=T            index.html (sets an HttpOnly, SameSite=Strict cookie with T)
 *   GET /assets/…            the renderer's files (need the cookie or ?token=T)
 *   WS  /api?token=T         {type:'call', id, method, params} → {type:'reply', id, ok, …};
 *                            {type:'subscribe'} → {type:'event', event} for every engine event
 *
 * No or a wrong token → 401, a foreign Origin or Host → 403, and nothing else is sent.
 * Every call goes through the same handlers as Electron IPC (they validate the request
 * with the contract's schemas).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import path from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  ApiRequestError,
  isApiMethod,
  wsClientMessageSchema,
  type WsServerMessage,
} from '../../src-preload/contract.js';
import type { Store } from '../store/index.js';
import { createApiHandlers, toRunEvent } from './api-handlers.js';
import type { JobManager } from './job-manager.js';

export interface ServeOptions {
  store: Store;
  jobs: JobManager;
  /** 0 picks a free port. */
  port: number;
  /** Only loopback is allowed: the token is the only guard. */
  host?: '127.0.0.1';
  /** The built renderer (out/renderer, from `npx electron-vite build`). */
  rendererDir: string;
  /** Folder a relative data path typed in the wizard is resolved against. */
  cwd?: string;
  figuresDir?: string;
  /** A fixed token (tests); default 32 random bytes, hex. */
  token?: string;
}

export interface ServeHandle {
  /** http://127.0.0.1:PORT/?token=… — what the user opens. */
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.woff2': 'font/woff2',
  '.ico': 'image/x-icon',
};

const COOKIE = 'flowbench_token';
const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

function sameToken(given: string | null | undefined, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function cookieToken(req: IncomingMessage): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === COOKIE) return v.join('=');
  }
  return null;
}

export async function startServer(options: ServeOptions): Promise<ServeHandle> {
  const host = options.host ?? '127.0.0.1';
  if (host !== '127.0.0.1') throw new Error(`serve: host must be 127.0.0.1 (got ${String(host)}); browser host mode never listens beyond this machine`);
  const rendererDir = path.resolve(options.rendererDir);
  const index = path.join(rendererDir, 'index.html');
  if (!existsSync(index)) {
    throw new Error(`serve: ${index} is missing; build the renderer first with \`npx electron-vite build\` (or \`npm run build\`)`);
  }
  const token = options.token ?? randomBytes(32).toString('hex');
  const handlers = createApiHandlers(options.store, { jobs: options.jobs, cwd: options.cwd, figuresDir: options.figuresDir });
  let port = 0;

  const allowedOrigins = (): Set<string> => new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);
  const allowedHosts = (): Set<string> => new Set([`127.0.0.1:${port}`, `localhost:${port}`]);

  /** 403 for a foreign Host/Origin, 401 for a missing/wrong token, null when the request may pass. */
  function guard(req: IncomingMessage, url: URL, allowCookie: boolean): 401 | 403 | null {
    if (!allowedHosts().has(req.headers.host ?? '')) return 403;
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedOrigins().has(origin)) return 403;
    const given = url.searchParams.get('token') ?? (allowCookie ? cookieToken(req) : null);
    return sameToken(given, token) ? null : 401;
  }

  function deny(res: ServerResponse, code: 401 | 403 | 404 | 405): void {
    const text = { 401: 'missing or wrong token: open the URL flowbench serve printed', 403: 'forbidden origin', 404: 'not found', 405: 'method not allowed' }[code];
    res.writeHead(code, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(text);
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const denied = guard(req, url, true);
    if (denied) return deny(res, denied);
    if (req.method !== 'GET' && req.method !== 'HEAD') return deny(res, 405);
    const rel = url.pathname === '/' ? 'index.html' : decodeURIComponent(url.pathname).replace(/^\/+/, '');
    const file = path.resolve(rendererDir, rel);
    if (!file.startsWith(rendererDir + path.sep) || !existsSync(file) || !statSync(file).isFile()) return deny(res, 404);
    const headers: Record<string, string | string[]> = {
      'Content-Type': MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
      'Content-Security-Policy': CSP,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-store',
    };
    if (rel === 'index.html') headers['Set-Cookie'] = `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`;
    res.writeHead(200, headers);
    if (req.method === 'HEAD') return res.end();
    createReadStream(file).pipe(res);
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  const subscribers = new Set<WebSocket>();
  const unsubscribe = options.jobs.onEvent((event) => {
    if (subscribers.size === 0) return;
    const text = JSON.stringify({ type: 'event', event: toRunEvent(event) } satisfies WsServerMessage);
    for (const ws of subscribers) if (ws.readyState === ws.OPEN) ws.send(text);
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const denied = url.pathname !== '/api' ? 404 : guard(req, url, false);
    if (denied) {
      const status = { 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found' }[denied];
      socket.end(`HTTP/1.1 ${denied} ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws));
  });

  function send(ws: WebSocket, msg: WsServerMessage): void {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(msg));
  }

  function onConnection(ws: WebSocket): void {
    ws.on('close', () => subscribers.delete(ws));
    ws.on('message', (data, isBinary) => {
      let raw: unknown;
      try {
        raw = JSON.parse(isBinary ? '' : data.toString());
      } catch {
        return send(ws, { type: 'reply', id: -1, ok: false, error: { message: 'message is not JSON', fields: [] } });
      }
      const parsed = wsClientMessageSchema.safeParse(raw);
      if (!parsed.success) {
        const id = typeof (raw as { id?: unknown })?.id === 'number' ? (raw as { id: number }).id : -1;
        const message = `bad message: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(message)'}: ${i.message}`).join('; ')}`;
        return send(ws, { type: 'reply', id, ok: false, error: { message, fields: [] } });
      }
      const msg = parsed.data;
      if (msg.type === 'subscribe') {
        subscribers.add(ws);
        return;
      }
      const { id, method, params } = msg;
      if (!isApiMethod(method)) {
        return send(ws, { type: 'reply', id, ok: false, error: { message: `unknown API method "${method}"`, fields: [] } });
      }
      handlers[method](params ?? {}).then(
        (result) => send(ws, { type: 'reply', id, ok: true, result }),
        (err: unknown) =>
          send(ws, {
            type: 'reply',
            id,
            ok: false,
            error: {
              message: err instanceof Error ? err.message : String(err),
              fields: err instanceof ApiRequestError ? err.fields : [],
            },
          }),
      );
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    async close() {
      unsubscribe();
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
