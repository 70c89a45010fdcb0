/**
 * Starts the webgpu backend for a test file, or says why it cannot: the file then skips with
 * that reason, except under FLOWBENCH_REQUIRE_WEBGPU=1 (.ci/run), where it fails instead.
 */
import { initBackend, type BackendInfo } from '../../../../src-main/engine/backend/select-backend.js';

export async function startWebGpu(suite: string): Promise<{ gpu: BackendInfo; why: null } | { gpu: null; why: string }> {
  try {
    return { gpu: await initBackend('webgpu', 'async'), why: null };
  } catch (err) {
    const why = (err as Error).message;
    if (process.env.FLOWBENCH_REQUIRE_WEBGPU === '1') throw new Error(`FLOWBENCH_REQUIRE_WEBGPU=1 but ${why}`);
    console.warn(`[${suite} skipped] ${why}`);
    return { gpu: null, why };
  }
}
