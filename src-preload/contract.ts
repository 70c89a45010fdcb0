/**
 * The one typed API between the UI and a host (Electron main over IPC, `flowbench serve`
 * over WebSocket). Every request and reply has a zod schema here; the preload, the main
 * process handlers and the WebSocket transport all derive from this file, so a field
 * renamed here breaks every side at compile time.
 *
 * Platform-neutral: no Node, no DOM, no Electron (the renderer imports it).
 * Replies are plain JSON: non-finite metric values travel as null (JSON has no NaN).
 */
import { z } from 'zod';
import { API_METHODS, type ApiMethod } from './methods.js';

export { API_METHODS, RUN_EVENT_CHANNEL, channelOf, isApiMethod, type ApiMethod } from './methods.js';

// ---------------------------------------------------------------- shared pieces

export const RUN_STATUSES = ['created', 'running', 'completed', 'failed', 'stopped', 'interrupted'] as const;
export const runStatusSchema = z.enum(RUN_STATUSES);
export type RunStatus = z.infer<typeof runStatusSchema>;

export const METRIC_SCOPES = ['step', 'epoch'] as const;
export const metricScopeSchema = z.enum(METRIC_SCOPES);
export type MetricScope = z.infer<typeof metricScopeSchema>;

/** A run id, or 'last', or a unique id prefix (resolved by the host). */
const runRefSchema = z.string().trim().min(1, 'must be a run id, a unique id prefix or "last"');

/** One row of the run history, as the UI shows it. */
export const runSchema = z.object({
  id: z.string(),
  name: z.string(),
  status: runStatusSchema,
  scale: z.string(),
  /** 'synthetic' or the data path. */
  dataSource: z.string(),
  seed: z.number(),
  backend: z.string().nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  durationS: z.number().nullable(),
  error: z.string().nullable(),
  parentRunId: z.string().nullable(),
  /** Last step-scope flow_loss, null before the first step or when non-finite. */
  lastFlowLoss: z.number().nullable(),
});
export type Run = z.infer<typeof runSchema>;

export const metricSummarySchema = z.object({
  name: z.string(),
  scope: metricScopeSchema,
  count: z.number(),
  lastStep: z.number().nullable(),
  last: z.number().nullable(),
  min: z.number().nullable(),
  max: z.number().nullable(),
});
export type MetricSummary = z.infer<typeof metricSummarySchema>;

/** A recorded event: recovery action, data report, engine crash, warning. */
export const runEventRowSchema = z.object({
  step: z.number(),
  kind: z.string(),
  details: z.unknown(),
  outcome: z.string().nullable(),
  time: z.string(),
});
export type RunEventRow = z.infer<typeof runEventRowSchema>;

export const checkpointSchema = z.object({
  step: z.number(),
  epoch: z.number().nullable(),
  path: z.string(),
  sha256: z.string(),
  bytes: z.number(),
  kind: z.enum(['final', 'interval', 'best']),
  stable: z.boolean(),
  createdAt: z.string(),
});
export type Checkpoint = z.infer<typeof checkpointSchema>;

/** One metric as columns (what a plot wants): step[i] ↔ value[i]. */
export const metricSeriesSchema = z.object({
  name: z.string(),
  scope: metricScopeSchema,
  step: z.array(z.number()),
  value: z.array(z.number().nullable()),
});
export type MetricSeries = z.infer<typeof metricSeriesSchema>;

// ---------------------------------------------------------------- requests / replies

export const listRunsRequest = z.strictObject({
  limit: z.int().min(1).max(1000).optional(),
  status: runStatusSchema.optional(),
});
export const listRunsReply = z.object({ runs: z.array(runSchema) });

export const getRunRequest = z.strictObject({ id: runRefSchema });
export const getRunReply = z.object({
  run: runSchema,
  metrics: z.array(metricSummarySchema),
  events: z.array(runEventRowSchema),
  checkpoints: z.array(checkpointSchema),
});

export const getMetricsRequest = z.strictObject({
  id: runRefSchema,
  names: z.array(z.string().min(1)).min(1).optional(),
  scope: metricScopeSchema.optional(),
});
export const getMetricsReply = z.object({ id: z.string(), series: z.array(metricSeriesSchema) });

interface MethodSchemas {
  request: z.ZodType;
  reply: z.ZodType;
}

/** Method name → its request and reply schemas. The API is exactly this object. */
export const contract = {
  listRuns: { request: listRunsRequest, reply: listRunsReply },
  getRun: { request: getRunRequest, reply: getRunReply },
  getMetrics: { request: getMetricsRequest, reply: getMetricsReply },
} as const satisfies Record<ApiMethod, MethodSchemas>;

export type Contract = typeof contract;
export type ApiRequest<M extends ApiMethod> = z.input<Contract[M]['request']>;
export type ApiReply<M extends ApiMethod> = z.output<Contract[M]['reply']>;

/** What a caller sees: one async function per method. */
export type FlowbenchApi = { [M in ApiMethod]: (req: ApiRequest<M>) => Promise<ApiReply<M>> };

// ---------------------------------------------------------------- events

/** Engine event names (mirrors src-main/engine/protocol.ts; the host checks they agree). */
export const RUN_EVENT_NAMES = [
  'started', 'data', 'step', 'epoch', 'checkpoint', 'recovery', 'log', 'sampled', 'finished',
] as const;

/** An engine event forwarded from a running job; fields beyond the base pass through. */
export const runEventSchema = z.looseObject({
  event: z.enum(RUN_EVENT_NAMES),
  run_id: z.string(),
  step: z.number(),
  time: z.string(),
});
export type RunEvent = z.infer<typeof runEventSchema>;

export interface RunEventSource {
  /** Subscribes to forwarded engine events; returns the unsubscribe function. */
  onRunEvent(cb: (event: RunEvent) => void): () => void;
}

/** What the preload exposes as `window.flowbench`. */
export type FlowbenchBridge = FlowbenchApi & RunEventSource;

// ---------------------------------------------------------------- validation

/** A request that does not match its schema; the message names the method and field. */
export class ApiRequestError extends Error {
  constructor(
    readonly method: string,
    readonly fields: string[],
    message: string,
  ) {
    super(message);
    this.name = 'ApiRequestError';
  }
}

function issueField(issue: z.core.$ZodIssue): string {
  const path = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') return [path, ...issue.keys].filter(Boolean).join('.');
  return path || '(request)';
}

/** Validates `raw` against the method's request schema; throws ApiRequestError naming each bad field. */
export function parseRequest<M extends ApiMethod>(method: M, raw: unknown): z.output<Contract[M]['request']> {
  if (!(API_METHODS as readonly string[]).includes(method)) {
    throw new ApiRequestError(String(method), [], `unknown API method "${String(method)}"`);
  }
  const result = contract[method].request.safeParse(raw ?? {});
  if (result.success) return result.data as z.output<Contract[M]['request']>;
  const fields = result.error.issues.map(issueField);
  const details = result.error.issues.map((i, k) => `${fields[k]}: ${i.message}`).join('; ');
  throw new ApiRequestError(method, fields, `${method}: bad request: ${details}`);
}
