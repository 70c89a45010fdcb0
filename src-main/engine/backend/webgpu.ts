/**
 * The `webgpu` tf backend: @tensorflow/tfjs-backend-webgpu over Dawn's dawn.node (the `webgpu`
 * npm package), both optional dependencies. A hardware adapter is taken first; without one,
 * Mesa's software OpenGL ES adapter (llvmpipe; Debian: libegl1 libgles2 libgl1-mesa-dri),
 * which Dawn offers only at the `compatibility` feature level. Dawn rejects Mesa's Vulkan
 * driver (lavapipe), so the software path is OpenGL ES, and is for correctness, not speed.
 * In Node only async reads work (`data()`): `dataSync()` needs OffscreenCanvas.
 */
import * as tf from '@tensorflow/tfjs';

export interface WebGpuAdapter {
  /** Dawn's device string, e.g. "NVIDIA H200" or "llvmpipe-llvm-15-0-6-256-bits-". */
  name: string;
  description: string;
  /** true for a CPU rasteriser (llvmpipe, lavapipe, SwiftShader) or Dawn's fallback adapter. */
  software: boolean;
  /** Dawn backend it came from: 'default' (Vulkan/Metal/D3D12) or 'opengles' (compatibility). */
  via: 'default' | 'opengles';
}

interface GpuAdapterLike {
  info: { device: string; description: string; vendor: string; isFallbackAdapter?: boolean };
  features: ReadonlySet<string>;
  limits: Record<string, number>;
  requestDevice(d: unknown): Promise<unknown>;
}
interface GpuLike {
  requestAdapter(o?: unknown): Promise<GpuAdapterLike | null>;
}
interface DawnModule {
  create(flags: string[]): GpuLike;
  globals: Record<string, unknown>;
}

const SOFTWARE = /llvmpipe|lavapipe|softpipe|swiftshader/i;

/** Limits tfjs-backend-webgpu asks for, plus the storage-buffer count its kernels bind
 * (compatibility level defaults it to 4, below what e.g. fused matmul needs). */
const LIMITS = [
  'maxComputeWorkgroupStorageSize', 'maxComputeWorkgroupsPerDimension', 'maxStorageBufferBindingSize', 'maxBufferSize',
  'maxComputeWorkgroupSizeX', 'maxComputeInvocationsPerWorkgroup', 'maxStorageBuffersPerShaderStage',
];

const errors: string[] = [];

/** GPU errors the device reported since it started (first 20): none means every kernel ran. */
export function webGpuErrors(): readonly string[] {
  return errors;
}

// The dawn.node instances stay referenced while the process runs (dropping one ends its adapters).
const instances: GpuLike[] = [];

async function findAdapter(dawn: DawnModule): Promise<{ adapter: GpuAdapterLike; gpu: GpuLike; via: WebGpuAdapter['via'] } | null> {
  const hw = dawn.create([]);
  instances.push(hw);
  const a = await hw.requestAdapter({ powerPreference: 'high-performance' });
  if (a) return { adapter: a, gpu: hw, via: 'default' };
  // Mesa's EGL needs a platform without a display server; an explicit setting wins.
  if (process.platform === 'linux') process.env.EGL_PLATFORM ??= 'surfaceless';
  const gles = dawn.create(['backend=opengles']);
  instances.push(gles);
  const b = await gles.requestAdapter({ featureLevel: 'compatibility' });
  return b ? { adapter: b, gpu: gles, via: 'opengles' } : null;
}

/**
 * Loads dawn.node, picks an adapter and registers tf's 'webgpu' backend on it (not yet
 * active). Resolves with the adapter, or with why there is none (a sentence).
 */
export function registerWebGpu(): Promise<WebGpuAdapter | string> {
  registered ??= register(); // once per process: tf keeps the first factory registered
  return registered;
}

let registered: Promise<WebGpuAdapter | string> | null = null;

async function register(): Promise<WebGpuAdapter | string> {
  let dawn: DawnModule;
  try {
    const dawnName = 'webgpu';
    dawn = (await import(dawnName)) as DawnModule;
    const tfName = '@tensorflow/tfjs-backend-webgpu';
    const backendModule = (await import(tfName)) as { WebGPUBackend: new (device: unknown, info: unknown) => tf.KernelBackend };
    // tfjs-backend-webgpu reads GPUBufferUsage & co. as globals, as in a browser.
    Object.assign(globalThis, dawn.globals);
    const found = await findAdapter(dawn);
    if (!found) {
      return 'no WebGPU adapter (no GPU driver Dawn accepts, and no Mesa OpenGL ES: apt-get install libegl1 libgles2 libgl1-mesa-dri)';
    }
    const { adapter, via } = found;
    const requiredLimits = Object.fromEntries(LIMITS.filter((k) => adapter.limits[k] !== undefined).map((k) => [k, adapter.limits[k]]));
    const requiredFeatures = adapter.features.has('timestamp-query') ? ['timestamp-query'] : [];
    const device = (await adapter.requestDevice({ requiredLimits, requiredFeatures })) as { onuncapturederror: unknown };
    // Dawn only prints a validation error and the kernel's output is garbage: keep them to check.
    device.onuncapturederror = (ev: { error?: { message?: string } }) => {
      if (errors.length < 20) errors.push(String(ev.error?.message ?? ev).split('\n')[0]);
    };
    // WebGPUBackend's constructor checks navigator.gpu, as in a browser (Node 20 has no navigator).
    const nav = ((globalThis as { navigator?: object }).navigator ??= {}) as { gpu?: GpuLike };
    if (!nav.gpu) Object.defineProperty(nav, 'gpu', { value: found.gpu, configurable: true });
    tf.registerBackend('webgpu', () => new backendModule.WebGPUBackend(device, adapter.info), 0);
    const info = adapter.info;
    return {
      name: info.device || info.description || info.vendor || 'unnamed adapter',
      description: info.description,
      software: info.isFallbackAdapter === true || SOFTWARE.test(`${info.device} ${info.description}`),
      via,
    };
  } catch (err) {
    const e = err as { code?: string; message?: string };
    if (e?.code === 'ERR_MODULE_NOT_FOUND' || e?.code === 'MODULE_NOT_FOUND') return 'not installed (optional dependencies webgpu, @tensorflow/tfjs-backend-webgpu)';
    return `failed to load: ${String(e?.message ?? err).split('\n')[0]}`;
  }
}
