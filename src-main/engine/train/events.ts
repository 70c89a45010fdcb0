/** Stamping engine events with run id, step and time, so the loop only writes payloads. */
import type { EngineEvent, EventPayload } from '../protocol/index.js';

export type Emit = (e: EngineEvent) => void;

export function stamp<P extends EventPayload>(runId: string, step: number, payload: P): EngineEvent {
  return { ...payload, run_id: runId, step, time: new Date().toISOString() } as EngineEvent;
}

export function rssMb(): number {
  return Math.round((process.memoryUsage().rss / 2 ** 20) * 10) / 10;
}
