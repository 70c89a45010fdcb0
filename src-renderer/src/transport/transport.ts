/**
 * How the renderer reaches a host. Views and stores see only this interface; whether the
 * calls go over Electron IPC or a WebSocket (browser host mode) is decided once, at start.
 */
import type { InjectionKey } from 'vue';
import type { ApiMethod, ApiReply, ApiRequest, RunEvent } from '../../../src-preload/contract.js';

export interface Transport {
  /** Which wire this is, for the status bar and error messages. */
  readonly kind: 'ipc' | 'websocket';
  call<M extends ApiMethod>(method: M, req: ApiRequest<M>): Promise<ApiReply<M>>;
  /** Subscribes to forwarded engine events; returns the unsubscribe function. */
  onEvent(cb: (event: RunEvent) => void): () => void;
}

/** The app provides its transport under this key; stores inject it. */
export const transportKey: InjectionKey<Transport> = Symbol('flowbench-transport');
