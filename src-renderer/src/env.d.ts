/// <reference types="vite/client" />
import type { FlowbenchBridge } from '../../src-preload/contract.js';

declare global {
  interface Window {
    /** Present only inside the Electron app (set by src-preload/index.ts). */
    flowbench?: FlowbenchBridge;
  }
}

