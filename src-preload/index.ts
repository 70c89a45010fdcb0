/**
 * The preload: exposes `window.flowbench`, one function per contract method (each an
 * ipcRenderer.invoke on the method's channel) plus the run-event subscription. Functions
 * only — never ipcRenderer itself — so the page can reach nothing but the API.
 * Runs sandboxed, so it may import only `electron` and must bundle to one CommonJS file:
 * it imports the contract's types but only the dependency-free methods.ts at run time.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { FlowbenchApi, FlowbenchBridge, RunEvent } from './contract.js';
import { API_METHODS, RUN_EVENT_CHANNEL, channelOf } from './methods.js';

function buildApi(): FlowbenchApi {
  const api: Record<string, (req: unknown) => Promise<unknown>> = {};
  for (const method of API_METHODS) {
    const channel = channelOf(method);
    api[method] = (req: unknown) => ipcRenderer.invoke(channel, req);
  }
  return api as FlowbenchApi;
}

const bridge: FlowbenchBridge = {
  ...buildApi(),
  onRunEvent(cb) {
    // A fresh listener per subscriber, so unsubscribing removes exactly this one.
    const listener = (_e: IpcRendererEvent, event: RunEvent): void => cb(event);
    ipcRenderer.on(RUN_EVENT_CHANNEL, listener);
    return () => {
      ipcRenderer.removeListener(RUN_EVENT_CHANNEL, listener);
    };
  },
};

contextBridge.exposeInMainWorld('flowbench', bridge);
