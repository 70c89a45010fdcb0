/**
 * Browser host mode (`flowbench serve`): the built renderer over HTTP and the contract
 * over a WebSocket, on 127.0.0.1 only, guarded by a random per-launch token.
 *
 *   GET /?token=T            index.html (the page reads T from its URL)
 *   GET /assets/…            the renderer's files (public build output: same-origin fetches only)
 *   WS  /api                 subprotocols [flowbench.v1, flowbench.token.T] (wsProtocols);
 *                            {type:'call', id, method, params} → {type:'reply', id, ok, …};
 *                            {type:'subscribe'} → {type:'event', event} for every engine event
 *
 * No cookie: a page on another local port is the same *site*, so a SameSite cookie would
 * ride its requests. No or a wrong token → 401, a foreign Origin, Host or cross-site fetch
 * → 403. Every request and every frame runs inside its own error boundary: malformed input
 * gets a 4xx or a WebSocket close code and a log line; the server and its runs go on.
 * Every call goes through the same handlers as Electron IPC (they validate the request
 * with the contract's schemas); data is read only under `dataRoots`.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import path from 'node:path';
import sirv from 'sirv';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  ApiRequestError,
  WS_PROTOCOL,
  WS_TOKEN_PREFIX,
  isApiMethod,
  wsClientMessageSchema,
  type WsServerMessage,
} from '../../../src-preload/contract.js';
import type { Store } from '../../store/index.js';
import { createApiHandlers, toRunEvent } from './api-handlers.js';
import { contentSecurityPolicy } from './content-security-policy.js';
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
  /** Folders the API may read data from (default: [cwd]). */
  dataRoots?: readonly string[];
  figuresDir?: string;
  /** A fixed token (tests); default 32 random bytes, hex. */
  token?: string;
  /** Where refused or malformed input is reported (default: stderr). */
  log?: (line: string) => void;
}

export interface ServeHandle {
  /** http://127.0.0.1:PORT/?token=… — what the user opens. */
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const CSP = contentSecurityPolicy(["frame-ancestors 'none'"]);

/** Largest WebSocket message accepted; a larger one is closed with 1009 (message too big). */
export const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
/** WebSocket close code for a frame we could not handle (RFC 6455: internal error). */
const CLOSE_INTERNAL = 1011;

type DenyCode = 400 | 401 | 403 | 404 | 405 | 500;
const DENY_TEXT: Record<DenyCode, string> = {
  400: 'bad request',
  401: 'missing or wrong token: open the URL flowbench serve printed',
  403: 'forbidden origin',
  404: 'not found',
  405: 'method not allowed',
  500: 'internal error (logged by flowbench serve)',
};
const STATUS_TEXT: Record<DenyCode, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 500: 'Internal Server Error',
};

function sameToken(given: string | null | undefined, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The token offered as a WebSocket subprotocol, or null. */
function protocolToken(req: IncomingMessage): string | null {
  const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
  const t = offered.find((p) => p.startsWith(WS_TOKEN_PREFIX));
  return t ? t.slice(WS_TOKEN_PREFIX.length) : null;
}

/** Control characters stripped and length capped, so a hostile URL cannot forge log lines. */
function printable(text: string, max = 200): string {
  const clean = text.replace(/[\u0000-\u001f\u007f]/g, '?');
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
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
  const log = options.log ?? ((line: string) => process.stderr.write(`flowbench serve: ${line}\n`));
  const handlers = createApiHandlers(options.store, {
    jobs: options.jobs, cwd: options.cwd, figuresDir: options.figuresDir, dataRoots: options.dataRoots,
  });
  let port = 0;

  const allowedOrigins = (): Set<string> => new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);
  const allowedHosts = (): Set<string> => new Set([`127.0.0.1:${port}`, `localhost:${port}`]);

  /** Host (DNS rebinding), Origin and Fetch Metadata (another port's <img>/<script>) checks. */
  function foreign(req: IncomingMessage): boolean {
    if (!allowedHosts().has(req.headers.host ?? '')) return true;
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedOrigins().has(origin)) return true;
    const site = req.headers['sec-fetch-site'];
    return site !== undefined && site !== 'same-origin' && site !== 'none';
  }

  function deny(res: ServerResponse, code: DenyCode): void {
    if (res.headersSent) return void res.destroy();
    res.writeHead(code, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(DENY_TEXT[code]);
  }

  // Built once from the files present at start (no path ever reaches the file system).
  const assets = sirv(rendererDir, {
    dev: false,
    etag: false,
    dotfiles: false,
    extensions: [],
    setHeaders(res) {
      res.setHeader('Content-Security-Policy', CSP);
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.setHeader('Referrer-Policy', 'no-referrer');
      res.setHeader('Cache-Control', 'no-store');
    },
    onNoMatch: (_req, res) => deny(res, 404),
  });

  function handleRequest(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    // Throws URIError on a malformed escape: the boundary below answers 400.
    const pathname = decodeURIComponent(url.pathname);
    if (foreign(req)) return deny(res, 403);
    if (req.method !== 'GET' && req.method !== 'HEAD') return deny(res, 405);
    if (pathname === '/' || pathname === '/index.html') {
      if (!sameToken(url.searchParams.get('token'), token)) return deny(res, 401);
      req.url = '/index.html';
    }
    assets(req, res);
  }

  const server = createServer((req, res) => {
    try {
      handleRequest(req, res);
    } catch (err) {
      const code = err instanceof URIError || err instanceof TypeError ? 400 : 500;
      log(`${code} for ${req.method ?? '?'} ${printable(req.url ?? '')}: ${printable(err instanceof Error ? err.message : String(err))}`);
      deny(res, code);
    }
  });
  // Malformed HTTP (bad header, oversized request line): answer 400 and drop the socket.
  server.on('clientError', (err, socket) => {
    log(`malformed HTTP request: ${printable(err.message)}`);
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_MESSAGE_BYTES,
    handleProtocols: (offered) => (offered.has(WS_PROTOCOL) ? WS_PROTOCOL : false),
  });
  wss.on('error', (err) => log(`WebSocket server: ${printable(err.message)}`));
  const subscribers = new Set<WebSocket>();
  const unsubscribe = options.jobs.onEvent((event) => {
    if (subscribers.size === 0) return;
    const text = JSON.stringify({ type: 'event', event: toRunEvent(event) } satisfies WsServerMessage);
    for (const ws of subscribers) if (ws.readyState === ws.OPEN) ws.send(text);
  });

  function refuseUpgrade(socket: Duplex, code: DenyCode): void {
    socket.on('error', () => undefined);
    socket.end(`HTTP/1.1 ${code} ${STATUS_TEXT[code]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  }

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // A socket reset mid-handshake must not become an uncaught 'error'.
    socket.on('error', (err) => log(`WebSocket socket: ${printable(err.message)}`));
    try {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (url.pathname !== '/api') return refuseUpgrade(socket, 404);
      if (foreign(req)) return refuseUpgrade(socket, 403);
      // A browser always sends Origin on a WebSocket; the token must come with ours.
      if (req.headers.origin === undefined) return refuseUpgrade(socket, 403);
      if (!sameToken(protocolToken(req), token)) return refuseUpgrade(socket, 401);
      wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws));
    } catch (err) {
      log(`refused upgrade ${printable(req.url ?? '')}: ${printable(err instanceof Error ? err.message : String(err))}`);
      refuseUpgrade(socket, 400);
    }
  });

  function send(ws: WebSocket, msg: WsServerMessage): void {
    if (ws.readyState !== ws.OPEN) return;
    try {
      ws.send(JSON.stringify(msg));
    } catch (err) {
      log(`could not send a reply: ${printable(err instanceof Error ? err.message : String(err))}`);
    }
  }

  function onMessage(ws: WebSocket, data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean): void {
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
      return send(ws, { type: 'reply', id, ok: false, error: { message: `unknown API method "${printable(method)}"`, fields: [] } });
    }
    const call = handlers[method] as (req: unknown) => Promise<unknown>;
    Promise.resolve()
      .then(() => call(params ?? {}))
      .then(
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
  }

  function onConnection(ws: WebSocket): void {
    ws.on('close', () => subscribers.delete(ws));
    // `ws` reports a malformed frame (bad UTF-8, reserved bits, unmasked, unknown opcode,
    // over maxPayload) here and closes with the matching code (1002/1007/1009); without a
    // listener the error would be thrown and end the process.
    ws.on('error', (err) => {
      subscribers.delete(ws);
      log(`WebSocket frame refused: ${printable(err.message)}`);
    });
    ws.on('message', (data, isBinary) => {
      try {
        onMessage(ws, data, isBinary);
      } catch (err) {
        log(`WebSocket message failed: ${printable(err instanceof Error ? err.message : String(err))}`);
        ws.close(CLOSE_INTERNAL, 'internal error');
      }
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
  server.on('error', (err) => log(`server: ${printable(err.message)}`));

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
