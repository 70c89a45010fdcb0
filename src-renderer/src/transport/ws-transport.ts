/**
 * Browser host mode: the contract over a WebSocket to `flowbench serve` (same origin,
 * `/api`, the token taken from the page URL and offered as a subprotocol, see `wsProtocols`). Calls are matched to replies by
 * id; engine events arrive once subscribed. The host validates every request with the
 * contract's schemas; replies are checked here against the reply schemas too.
 */
import {
  contract,
  type ApiMethod,
  type ApiReply,
  type ApiRequest,
  type RunEvent,
  type WsServerMessage,
} from '../../../src-preload/contract.js';
import type { Transport } from './transport.js';

/** The part of the browser's WebSocket this transport uses (the `ws` package fits it too). */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  onopen: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
}
export type SocketConstructor = new (url: string, protocols?: string[]) => SocketLike;

const OPEN = 1;

interface Pending {
  method: ApiMethod;
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
}

/** The token `flowbench serve` put in the URL it printed; null when absent. */
export function tokenFromLocation(loc: { search: string }): string | null {
  return new URLSearchParams(loc.search).get('token');
}

export function createWsTransport(
  url: string,
  WS: SocketConstructor = (globalThis as unknown as { WebSocket: SocketConstructor }).WebSocket,
  /** Subprotocols to offer: `wsProtocols(token)` for `flowbench serve`. */
  protocols: string[] = [],
): Transport {
  const pending = new Map<number, Pending>();
  const listeners = new Set<(e: RunEvent) => void>();
  let nextId = 1;
  let subscribed = false;
  let socket: SocketLike | null = null;
  let opening: Promise<SocketLike> | null = null;

  function connect(): Promise<SocketLike> {
    if (socket && socket.readyState === OPEN) return Promise.resolve(socket);
    if (opening) return opening;
    opening = new Promise<SocketLike>((resolve, reject) => {
      const ws = new WS(url, protocols);
      ws.onopen = () => {
        socket = ws;
        opening = null;
        if (subscribed) ws.send(JSON.stringify({ type: 'subscribe' }));
        resolve(ws);
      };
      ws.onerror = () => {
        opening = null;
        reject(new Error(`cannot reach the Flowbench host at ${url} (is \`flowbench serve\` running, and is the token right?)`));
      };
      ws.onclose = () => {
        socket = null;
        for (const [id, p] of pending) {
          pending.delete(id);
          p.reject(new Error(`${p.method}: the connection to the Flowbench host closed`));
        }
      };
      ws.onmessage = (m) => onMessage(String(m.data));
    });
    return opening;
  }

  function onMessage(text: string): void {
    let msg: WsServerMessage;
    try {
      msg = JSON.parse(text) as WsServerMessage;
    } catch {
      return;
    }
    if (msg.type === 'event') {
      for (const cb of [...listeners]) cb(msg.event);
      return;
    }
    const p = pending.get(msg.id);
    if (!p) return;
    pending.delete(msg.id);
    if (!msg.ok) return p.reject(new Error(msg.error.message));
    const parsed = contract[p.method].reply.safeParse(msg.result);
    if (parsed.success) p.resolve(parsed.data);
    else p.reject(new Error(`${p.method}: the host's reply does not match the contract: ${parsed.error.issues[0]?.message ?? ''}`));
  }

  return {
    kind: 'websocket',
    async call<M extends ApiMethod>(method: M, req: ApiRequest<M>): Promise<ApiReply<M>> {
      const ws = await connect();
      const id = nextId++;
      return new Promise<ApiReply<M>>((resolve, reject) => {
        pending.set(id, { method, resolve: resolve as (v: unknown) => void, reject });
        ws.send(JSON.stringify({ type: 'call', id, method, params: req }));
      });
    },
    onEvent(cb) {
      listeners.add(cb);
      if (!subscribed) {
        subscribed = true;
        void connect().then((ws) => ws.send(JSON.stringify({ type: 'subscribe' })), () => undefined);
      }
      return () => {
        listeners.delete(cb);
      };
    },
  };
}
