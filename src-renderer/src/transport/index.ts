/** Picks the transport at run time: the preload's bridge when inside Electron. */
import { createIpcTransport } from './ipc-transport.js';
import type { Transport } from './transport.js';

export { transportKey, type Transport } from './transport.js';

export function createTransport(win: Window = window): Transport {
  if (win.flowbench) return createIpcTransport(win.flowbench);
  // TODO(browser host mode): connect a WebSocket transport to `flowbench serve`
  // (ws://127.0.0.1:<port>, token from the URL) reusing the contract's schemas; it lands
  // with the serve command in a later issue.
  throw new Error(
    'No Flowbench host: window.flowbench is missing (not running inside the Electron app) ' +
      'and the WebSocket transport for `flowbench serve` is not available yet.',
  );
}
