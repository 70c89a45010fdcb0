/**
 * Multi-threaded tfjs-backend-wasm under Node (XNNPACK on a pthreadpool of worker_threads).
 *
 * Why: wasm matMul is single-threaded out of the box in Node, which left half of a 2-core
 * machine idle (docs/PERFORMANCE.md). tfjs ships the threaded SIMD build but refuses it in
 * Node (tfjs issue 3830) for three reasons, each undone here and nowhere else:
 *   1. WASM_HAS_MULTITHREAD_SUPPORT is hard-wired false when IS_NODE → we set it true.
 *   2. Emscripten starts each pthread as `new Worker(blobURL)` and, inside it, evaluates the
 *      module factory from a Blob; Node's Worker and importScripts read files, not blob:
 *      URLs → a Worker subclass hands blob URLs to a bootstrap that reads the Blob first.
 *      The factory text is the bundle's, so the names rollup gave its requires must exist.
 *   3. The C++ side caps threads at logicalCores / 2 (it assumes hyper-threads), i.e. one
 *      thread on a 2-core machine → os.cpus() reports each core twice while the module
 *      initialises, and only then.
 * Pool workers are unref'd and never re-ref'd: idle pthreads must not keep a process alive.
 *
 * Opt-in (FLOWBENCH_WASM_THREADS=N): measured on the 2-core machine, 2 threads make a large
 * matMul 1.9× faster ([512,1024]×[1024,256]: 9.6 → 5.1 ms) but leave the B=32 training step
 * and the DiT no faster (44–49 vs 48–58 steps/s; 7.6 vs 7.5) while burning ~50 % more CPU: that
 * step is bound by XNNPACK's per-step weight packing and tfjs's per-kernel dispatch, both
 * single-threaded (docs/PERFORMANCE.md). So the default stays one thread.
 */
import { resolveObjectURL } from 'node:buffer';
import { createRequire } from 'node:module';
import os from 'node:os';

// Not named `require`: electron-vite's ESM shim declares one in the bundled engine.
const requireCjs = createRequire(import.meta.url);

/** Threads for XNNPACK: FLOWBENCH_WASM_THREADS (1..8), else 1. */
export function wasmThreadCount(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.FLOWBENCH_WASM_THREADS;
  if (raw !== undefined && raw !== '') {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1 || n > 8) {
      throw new Error(`FLOWBENCH_WASM_THREADS = "${raw}" is not a thread count; valid: an integer from 1 to 8`);
    }
    return n;
  }
  return 1;
}

// Runs inside each pool worker (eval'd): queue messages until the Emscripten worker script,
// read from its Blob, has registered its handler; swap the Blob of the 'load' message for
// a key its importScripts (fs.readFileSync) can resolve.
const BOOTSTRAP = `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const texts = new Map();
let handler = null;
let chain = Promise.resolve();
const on = parentPort.on.bind(parentPort);
on('message', (m) => {
  chain = chain.then(async () => {
    if (m && m.cmd === 'load' && m.urlOrBlob && typeof m.urlOrBlob !== 'string') {
      const key = 'flowbench-blob:' + texts.size;
      texts.set(key, await m.urlOrBlob.text());
      m.urlOrBlob = key;
    }
    handler(m);
  });
});
parentPort.on = (ev, fn) => { if (ev === 'message') handler = fn; else on(ev, fn); return parentPort; };
const readFileSync = fs.readFileSync;
fs.readFileSync = function (f) { return typeof f === 'string' && texts.has(f) ? texts.get(f) : readFileSync.apply(this, arguments); };
Object.assign(globalThis, {
  require$$0: fs, require$$1: require('node:path'), require$$3: require('node:perf_hooks'), require$$4: require('node:os'),
  commonjsGlobal: globalThis,
});
chain = chain.then(async () => { (0, eval)(await workerData.blob.text()); });
`;

let workerPatched = false;

function patchWorker(): void {
  if (workerPatched) return;
  const wt = requireCjs('node:worker_threads') as typeof import('node:worker_threads');
  const NodeWorker = wt.Worker;
  class PoolWorker extends NodeWorker {
    private readonly pooled: boolean;
    constructor(url: string | URL, options?: import('node:worker_threads').WorkerOptions) {
      const blob = typeof url === 'string' && url.startsWith('blob:') ? resolveObjectURL(url) : undefined;
      if (blob) super(BOOTSTRAP, { ...options, eval: true, workerData: { blob } });
      else super(url, options);
      this.pooled = blob !== undefined;
      if (this.pooled) this.unref();
    }
    override ref(): void {
      if (!this.pooled) super.ref();
    }
  }
  // Emscripten reads require('worker_threads').Worker when the module is created.
  (wt as { Worker: typeof NodeWorker }).Worker = PoolWorker;
  workerPatched = true;
}

/**
 * Prepares the next wasm backend initialisation for `threads` threads; call after importing
 * @tensorflow/tfjs-backend-wasm and before tf.setBackend('wasm'). Returns the function that
 * undoes the temporary os.cpus() change (call it once setBackend has settled).
 */
export function prepareWasmThreads(
  tfEnv: { set(flag: string, value: boolean): void },
  wasm: { setThreadsCount(n: number): void },
  threads: number,
): () => void {
  if (threads <= 1) return () => {};
  patchWorker();
  tfEnv.set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  wasm.setThreadsCount(threads);
  const cpus = os.cpus;
  os.cpus = () => {
    const c = cpus.call(os);
    return [...c, ...c];
  };
  return () => {
    os.cpus = cpus;
  };
}
