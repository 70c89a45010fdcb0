/**
 * Picks the transport at run time: the preload's bridge inside Electron, else the
 * WebSocket of `flowbench serve` with the token from the page URL.
 */
import { createIpcTransport } from './ipc-transport.js';
import type { Transport } from './transport.js';
import { wsProtocols } from '../../../src-preload/contract.js';
import { createWsTransport, tokenFromLocation } from './ws-transport.js';

export { transportKey, type Transport } from './transport.js';

export function createTransport(win: Window = window): Transport {
  if (win.flowbench) return createIpcTransport(win.flowbench);
  const token = tokenFromLocation(win.location);
  if (!token || !/^https?:$/.test(win.location.protocol)) {
    throw new Error(
      'No Flowbench host: not inside the Electron app, and this page was not opened from the URL ' +
        '`flowbench serve` prints (http://127.0.0.1:PORT/?token=…).',
    );
  }
  const scheme = win.location.protocol === 'https:' ? 'wss:' : 'ws:';
  return createWsTransport(`${scheme}//${win.location.host}/api`, undefined, wsProtocols(token));
}
