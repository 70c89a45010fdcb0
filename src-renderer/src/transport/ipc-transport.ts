/** The Electron transport: calls the functions the preload exposed as `window.flowbench`. */
import type { ApiMethod, ApiReply, ApiRequest, FlowbenchBridge } from '../../../src-preload/contract.js';
import type { Transport } from './transport.js';

export function createIpcTransport(bridge: FlowbenchBridge): Transport {
  return {
    kind: 'ipc',
    call<M extends ApiMethod>(method: M, req: ApiRequest<M>): Promise<ApiReply<M>> {
      // Indexing the bridge by a generic M loses the method↔types link; the contract types fix it back.
      const fn = bridge[method] as unknown as (r: ApiRequest<M>) => Promise<ApiReply<M>>;
      return fn(req);
    },
    onEvent: (cb) => bridge.onRunEvent(cb),
  };
}
