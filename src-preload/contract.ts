/**
 * The one typed API between the UI and a host (Electron main over IPC, `flowbench serve`
 * over WebSocket). Every request and reply has a zod schema here; the preload, the main
 * process handlers and the WebSocket transport all derive from this file, so a field
 * renamed here breaks every side at compile time.
 *
 * Platform-neutral: no Node, no DOM, no Electron (the renderer imports it); the engine's event
 * declarations (src-main/engine/protocol/events.ts, zod only) are imported, not mirrored.
 * Replies are plain JSON: non-finite metric values travel as null (JSON has no NaN).
 */
import { z } from 'zod';
import { CHECKPOINT_KINDS, DATA_LAYOUTS, RUN_STATUSES, SCALES } from '../src-main/config/enums.js';
import { ENGINE_EVENT_NAMES } from '../src-main/engine/protocol/events.js';
import { API_METHODS, type ApiMethod } from './methods.js';

export { API_METHODS, RUN_EVENT_CHANNEL, channelOf, isApiMethod, type ApiMethod } from './methods.js';

// ---------------------------------------------------------------- shared pieces

export { RUN_STATUSES };
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
  /** Lowest step-scope flow_loss. */
  bestFlowLoss: z.number().nullable(),
  /** Last and lowest epoch-scope val_flow_loss (null without a validation split). */
  lastValLoss: z.number().nullable(),
  bestValLoss: z.number().nullable(),
  /** Hidden from the default history list (kept in the database). */
  archived: z.boolean(),
  /** True while this host's job manager is running it. */
  active: z.boolean(),
  /** The velocity net and its width, e.g. "mlp 256". */
  model: z.string(),
  /** The KEY_PARAMS values of the run's config (what the history shows and filters on). */
  params: z.record(z.string(), z.union([z.number(), z.string(), z.boolean(), z.null()])),
  /** Runs with the same seedGroup differ only by their seed (hash of the config without environment.seed and name). */
  seedGroup: z.string(),
});
export type Run = z.infer<typeof runSchema>;

/**
 * The parameters the history shows as columns and filters on (`lr > 1e-4`): short name →
 * config key. Declared once; the host reads them from each run's config.
 */
export const KEY_PARAMS = {
  lr: 'task.lr',
  batch: 'task.batch_size',
  epochs: 'task.epochs',
  hidden: 'model.hidden_dim',
  contrastive: 'task.use_contrastive',
  window: 'data.window_length',
  seed: 'environment.seed',
} as const;
export type KeyParam = keyof typeof KEY_PARAMS;

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
  kind: z.enum(CHECKPOINT_KINDS),
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
  /** Wall time of each row, ms since 1970 (only when the request asked, withTime). */
  t: z.array(z.number()).optional(),
});
export type MetricSeries = z.infer<typeof metricSeriesSchema>;

// ---------------------------------------------------------------- requests / replies

export const listRunsRequest = z.strictObject({
  limit: z.int().min(1).max(1000).optional(),
  status: runStatusSchema.optional(),
  includeArchived: z.boolean().optional(),
});
export const listRunsReply = z.object({ runs: z.array(runSchema) });

export const getRunRequest = z.strictObject({ id: runRefSchema });
export const getRunReply = z.object({
  run: runSchema,
  metrics: z.array(metricSummarySchema),
  events: z.array(runEventRowSchema),
  checkpoints: z.array(checkpointSchema),
  /** The resolved RunSpec the run was started with (sections → keys → values). */
  config: z.record(z.string(), z.unknown()),
});

export const getMetricsRequest = z.strictObject({
  id: runRefSchema,
  names: z.array(z.string().min(1)).min(1).optional(),
  scope: metricScopeSchema.optional(),
  /** Also return each row's wall time (series.t), for a wall-time x axis. */
  withTime: z.boolean().optional(),
});
export const getMetricsReply = z.object({ id: z.string(), series: z.array(metricSeriesSchema) });

// ---------------------------------------------------------------- wizard

export const scaleSchema = z.enum(SCALES);
export type Scale = z.infer<typeof scaleSchema>;

/** A `--set`-style override, `section.key=value` (value read as YAML). */
const setOverrideSchema = z.string().trim().regex(/^[A-Za-z_][\w-]*(\.[A-Za-z_][\w-]*)*=.+$/, 'must be key.path=value, e.g. task.lr=3e-4');

/**
 * What the wizard sends: a scale and overrides, resolved host-side exactly like
 * `flowbench train --scale S --set k=v …` (schema defaults < scale preset < overrides).
 */
export const runDraftSchema = z.strictObject({
  scale: scaleSchema,
  sets: z.array(setOverrideSchema).max(200),
  /** A shipped config file (listConfigs' `file`) the draft starts from: schema defaults < scale < file < sets. */
  config: z.string().regex(/^[\w.-]+\.ya?ml$/, 'must be a config file name from listConfigs, e.g. flow_pretrain_basic.yaml').optional(),
});
export type RunDraft = z.infer<typeof runDraftSchema>;

export const previewDataRequest = z.strictObject({
  source: z.enum(['synthetic', 'files']),
  /** Folder with a manifest, a manifest CSV or a single signal file (source = files). */
  path: z.string().trim().min(1).optional(),
  signalKey: z.string().trim().min(1).optional(),
  windowLength: z.int().min(64).max(65536).optional(),
  /** data.layout: how the folder is read (default auto); the preview reads it the way the run will. */
  layout: z.enum(DATA_LAYOUTS).optional(),
  /** The recording to preview (a record id from `recordings`); default the first. */
  record: z.string().min(1).max(1000).optional(),
  /** The shipped config the wizard starts from: the demo data is generated with its `data.synthetic` settings, as the run's will be. */
  config: z.string().regex(/^[\w.-]+\.ya?ml$/, 'must be a config file name from listConfigs').optional(),
});

/** x[i] ↔ y[i], with the units the axes show. */
const curveSchema = z.object({ x: z.array(z.number()), y: z.array(z.number()), xUnit: z.string(), yUnit: z.string() });
export type Curve = z.infer<typeof curveSchema>;

export const previewDataReply = z.object({
  description: z.string(),
  files: z.number(),
  classes: z.record(z.string(), z.number()),
  domains: z.record(z.string(), z.number()),
  datasets: z.record(z.string(), z.number()),
  sampleRates: z.array(z.number()),
  warnings: z.array(z.string()),
  /** The first window of the first recording, its amplitude spectrum and envelope spectrum. */
  window: curveSchema,
  spectrum: curveSchema,
  envelope: curveSchema,
  windowOf: z.object({ id: z.string(), label: z.string(), domain: z.string(), fsHz: z.number() }),
  /** Every recording the source holds (the preview's picker), in source order. */
  recordings: z.array(z.object({ id: z.string(), label: z.string(), domain: z.string(), fsHz: z.number().nullable(), rpm: z.number().nullable() })),
  /**
   * Bearing defect frequencies of the previewed recording (shaft rpm × bearing geometry), for
   * markers on the envelope spectrum; empty when the rpm or the bearing is unknown (`defectNote` says which).
   */
  defects: z.array(z.object({ name: z.string(), hz: z.number() })),
  defectNote: z.string(),
});
export type DataPreview = z.infer<typeof previewDataReply>;

export const scaleEstimateSchema = z.object({
  scale: scaleSchema,
  epochs: z.number(),
  stepsPerEpoch: z.number().nullable(),
  totalSteps: z.number().nullable(),
  /** Rough wall-clock estimate on this host (null when the step count is data-dependent). */
  seconds: z.number().nullable(),
  basis: z.string(),
});
export type ScaleEstimate = z.infer<typeof scaleEstimateSchema>;

export const resolveSpecRequest = runDraftSchema;
export const resolveSpecReply = z.object({
  spec: z.record(z.string(), z.unknown()),
  yaml: z.string(),
  warnings: z.array(z.string()),
  estimates: z.array(scaleEstimateSchema),
});

/** A shipped config file the wizard can start from, with the spec it resolves to (the wizard's defaults). */
export const configTemplateSchema = z.object({
  file: z.string(),
  name: z.string(),
  /** The file's leading comment, the first line. */
  description: z.string(),
  /** The resolved spec at the quick scale (sections → keys → values). */
  spec: z.record(z.string(), z.unknown()),
});
export type ConfigTemplate = z.infer<typeof configTemplateSchema>;
export const listConfigsRequest = z.strictObject({});
export const listConfigsReply = z.object({ configs: z.array(configTemplateSchema), dir: z.string() });

/** Times a few optimiser steps of the draft's model on this machine's engine, then estimates each scale from them. */
export const estimateRunRequest = runDraftSchema;
export const estimateRunReply = z.object({
  msPerStep: z.number(),
  /** Engine start to the first step (backend, model build, synthetic data of the same shape). */
  setupS: z.number(),
  backend: z.string(),
  stepsTimed: z.number(),
  estimates: z.array(scaleEstimateSchema),
});

export const startRunRequest = runDraftSchema;
export const startRunReply = z.object({ id: z.string() });

const idRequest = z.strictObject({ id: runRefSchema });

export const stopRunRequest = idRequest;
export const stopRunReply = z.object({ id: z.string(), stopping: z.boolean() });

/** Pause a live run between steps (it keeps its state, idle) / continue it. `sent` is false when it is not active here. */
export const pauseRunRequest = idRequest;
export const pauseRunReply = z.object({ id: z.string(), sent: z.boolean() });
export const continueRunRequest = idRequest;
export const continueRunReply = pauseRunReply;

/** Continue a failed / stopped / interrupted run from its newest verified stable checkpoint. */
export const resumeRunRequest = idRequest;
export const resumeRunReply = z.object({ id: z.string() });

/** Start a new run with a recorded run's exact config (for a run with no checkpoint to resume from). */
export const restartRunRequest = idRequest;
export const restartRunReply = z.object({ id: z.string() });

export const activeRunsRequest = z.strictObject({});
export const activeRunsReply = z.object({ runs: z.array(z.object({ id: z.string(), startedAt: z.string(), paused: z.boolean() })) });

export const archiveRunRequest = z.strictObject({ id: runRefSchema, archived: z.boolean() });
export const archiveRunReply = z.object({ id: z.string(), archived: z.boolean() });

export const deleteRunRequest = z.strictObject({
  id: runRefSchema,
  /** Also remove the run folder (checkpoints, events.jsonl, config.yaml) from disk. */
  removeFolder: z.boolean().optional(),
});
export const deleteRunReply = z.object({
  id: z.string(),
  deleted: z.boolean(),
  /** The run's folder, and whether it was removed (false: kept on disk, or it was already gone). */
  folder: z.string(),
  folderRemoved: z.boolean(),
});

/**
 * Where a run stands, read from its events.jsonl (what the metrics table does not keep):
 * step / total, epoch / epochs, ETA, the newest preview, and its phase, so a reopened run's
 * dashboard fills at once instead of waiting for the next live event.
 */
export const getRunProgressRequest = idRequest;
export const RUN_PHASES = ['loading', 'training', 'paused', 'ended'] as const;
export type RunPhase = (typeof RUN_PHASES)[number];
export const getRunProgressReply = z.object({
  id: z.string(),
  /** loading: the engine is preparing data (no 'started' event yet); ended: not running here. */
  phase: z.enum(RUN_PHASES),
  step: z.number(),
  totalSteps: z.number().nullable(),
  epoch: z.number().nullable(),
  epochs: z.number().nullable(),
  /** Seconds left by the engine's last estimate; null when the run is not running. */
  etaS: z.number().nullable(),
  /** When the current engine segment was launched (its first event), for the loading clock. */
  since: z.string().nullable(),
  /** The newest engine `preview` event as recorded (real vs generated windows), or null. */
  preview: z.record(z.string(), z.unknown()).nullable(),
});
export type RunProgress = z.infer<typeof getRunProgressReply>;

// ---------------------------------------------------------------- figures

export const FIGURE_FORMATS = ['svg', 'png', 'pdf'] as const;
export const JOURNAL_PRESETS = { single: 3.5, double: 7.16 } as const;
export type JournalPreset = keyof typeof JOURNAL_PRESETS;

export const exportFigureRequest = z.strictObject({
  /** The runs the figure shows; stamped into the file's metadata. */
  runIds: z.array(z.string().regex(/^[\w-]+$/, 'must be a run id')).min(1).max(20),
  /** File stem, e.g. "loss" (letters, digits, - and _). */
  name: z.string().regex(/^[\w-]{1,80}$/, 'must be 1–80 letters, digits, - or _'),
  format: z.enum(FIGURE_FORMATS),
  preset: z.enum(['single', 'double']),
  /** svg: the SVG text; png/pdf: the file's bytes as base64. */
  data: z.string().min(1).max(40_000_000),
  dpi: z.union([z.literal(300), z.literal(600)]).optional(),
  widthIn: z.number().positive().max(20),
  heightIn: z.number().positive().max(20),
  /** The plotted data, written as <name>.csv beside the figure. */
  csv: z.string().max(20_000_000),
  /** Browser mode: also return the written file (base64) so the browser can download it. */
  returnData: z.boolean().optional(),
});
export const exportFigureReply = z.object({
  path: z.string(),
  csvPath: z.string(),
  bytes: z.number(),
  /** The file as written (metadata stamped), base64; only when the request asked (returnData). */
  data: z.string().optional(),
});

// ---------------------------------------------------------------- evaluation figure

/** One mean magnitude spectrum of an evaluation (real held-out or generated windows of a class). */
export const evaluationSpectrumSchema = z.object({
  class: z.string(),
  domain: z.string(),
  source: z.enum(['real', 'generated']),
  hz: z.array(z.number()),
  magnitude: z.array(z.number()),
});
export type EvaluationSpectrum = z.infer<typeof evaluationSpectrumSchema>;

export const getEvaluationFigureRequest = z.strictObject({ id: runRefSchema });
/** The panels of a run's evaluation figure; `evaluation` is null until `flowbench evaluate RUN` wrote a report. */
export const getEvaluationFigureReply = z.object({
  id: z.string(),
  /** Step-scope flow_loss and contrastive_loss from the metrics table. */
  losses: z.array(metricSeriesSchema),
  evaluation: z.object({
    /** The report folder (`<run dir>/evaluation/<timestamp>`) and when it was written. */
    dir: z.string(),
    created: z.string(),
    spectra: z.array(evaluationSpectrumSchema),
    /** 2-D PCA of held-out windows' encoder features: pc1[i], pc2[i], class[i], domain[i]. */
    latent: z.object({
      pc1: z.array(z.number()), pc2: z.array(z.number()), class: z.array(z.string()), domain: z.array(z.string()),
      explained: z.array(z.number()),
    }),
  }).nullable(),
});
export type EvaluationFigure = z.infer<typeof getEvaluationFigureReply>;

/** One of the model's scores and what it is compared with (baselines, negative controls, reference). */
export const evaluationScoreSchema = z.object({
  metric: z.string(),
  value: z.number(),
  ci95: z.number().nullable(),
  protocol: z.string(),
  higherIsBetter: z.boolean(),
  against: z.array(z.object({
    /** e.g. "baseline log_psd", "control white_noise", "reference real_vs_real". */
    name: z.string(),
    kind: z.enum(['baseline', 'control', 'reference']),
    value: z.number(),
    /** A baseline or control scoring better than the model (a reference is never flagged). */
    beatsModel: z.boolean(),
  })),
});
export type EvaluationScore = z.infer<typeof evaluationScoreSchema>;

export const getEvaluationScoresRequest = z.strictObject({ id: runRefSchema });
/** The newest evaluation report's scores; null until one exists. */
export const getEvaluationScoresReply = z.object({
  id: z.string(),
  report: z.object({ path: z.string(), created: z.string(), scale: z.string(), scores: z.array(evaluationScoreSchema) }).nullable(),
});

export const EVALUATION_SECTIONS = ['linear_probe', 'few_shot', 'cross_condition', 'baselines', 'anomaly', 'generation'] as const;
/** Evaluate a finished run in an engine process (as `flowbench evaluate`); progress arrives as `evaluation` run events. */
export const evaluateRunRequest = z.strictObject({
  id: runRefSchema,
  scale: scaleSchema,
  sections: z.array(z.enum(EVALUATION_SECTIONS)).min(1).optional(),
});
export const evaluateRunReply = z.object({ id: z.string(), reportPath: z.string(), qualityRows: z.number(), checkpointNote: z.string().nullable() });

/** Generate windows from a run's checkpoint into `<run dir>/samples/` (as `flowbench sample`). */
export const sampleRunRequest = z.strictObject({ id: runRefSchema, count: z.int().min(1).max(1000) });
export const sampleRunReply = z.object({
  id: z.string(), path: z.string(), count: z.number(), windowLength: z.number(), channels: z.number(), seconds: z.number(),
  /** A few generated windows to draw (at most 4). */
  windows: z.array(z.array(z.number())),
});

interface MethodSchemas {
  request: z.ZodType;
  reply: z.ZodType;
}

/** Method name → its request and reply schemas. The API is exactly this object. */
export const contract = {
  listRuns: { request: listRunsRequest, reply: listRunsReply },
  getRun: { request: getRunRequest, reply: getRunReply },
  getMetrics: { request: getMetricsRequest, reply: getMetricsReply },
  previewData: { request: previewDataRequest, reply: previewDataReply },
  resolveSpec: { request: resolveSpecRequest, reply: resolveSpecReply },
  startRun: { request: startRunRequest, reply: startRunReply },
  stopRun: { request: stopRunRequest, reply: stopRunReply },
  pauseRun: { request: pauseRunRequest, reply: pauseRunReply },
  continueRun: { request: continueRunRequest, reply: continueRunReply },
  resumeRun: { request: resumeRunRequest, reply: resumeRunReply },
  restartRun: { request: restartRunRequest, reply: restartRunReply },
  activeRuns: { request: activeRunsRequest, reply: activeRunsReply },
  archiveRun: { request: archiveRunRequest, reply: archiveRunReply },
  deleteRun: { request: deleteRunRequest, reply: deleteRunReply },
  exportFigure: { request: exportFigureRequest, reply: exportFigureReply },
  getEvaluationFigure: { request: getEvaluationFigureRequest, reply: getEvaluationFigureReply },
  listConfigs: { request: listConfigsRequest, reply: listConfigsReply },
  estimateRun: { request: estimateRunRequest, reply: estimateRunReply },
  getEvaluationScores: { request: getEvaluationScoresRequest, reply: getEvaluationScoresReply },
  evaluateRun: { request: evaluateRunRequest, reply: evaluateRunReply },
  sampleRun: { request: sampleRunRequest, reply: sampleRunReply },
  getRunProgress: { request: getRunProgressRequest, reply: getRunProgressReply },
} as const satisfies Record<ApiMethod, MethodSchemas>;

export type Contract = typeof contract;
export type ApiRequest<M extends ApiMethod> = z.input<Contract[M]['request']>;
export type ApiReply<M extends ApiMethod> = z.output<Contract[M]['reply']>;

/** What a caller sees: one async function per method. */
export type FlowbenchApi = { [M in ApiMethod]: (req: ApiRequest<M>) => Promise<ApiReply<M>> };

// ---------------------------------------------------------------- events

/** Engine event names, as declared in engine/protocol/events.ts. */
export const RUN_EVENT_NAMES = ENGINE_EVENT_NAMES;
/** Which event fields are metrics, as declared there (the dashboard keeps a series for each). */
export { METRIC_NAMES } from '../src-main/engine/protocol/events.js';
/** The config's shared enums and the balancing rule, for the UI (declared once in config/enums.ts). */
export { BALANCINGS, DATA_LAYOUTS, SCALES, balancingIgnored, type Balancing, type DataLayout } from '../src-main/config/enums.js';

/**
 * An engine event forwarded from a running job (the host checked it against the protocol
 * as it left the engine); fields beyond the base pass through. Loose here because over
 * WebSocket JSON a non-finite metric arrives as null.
 */
export const runEventSchema = z.looseObject({
  event: z.enum(ENGINE_EVENT_NAMES),
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

// ---------------------------------------------------------------- WebSocket wire (browser host mode)

/**
 * The session token travels as a WebSocket subprotocol, never in a cookie: a page on another
 * local port is the same *site*, so a cookie would ride its requests. The client offers
 * [WS_PROTOCOL, WS_TOKEN_PREFIX + token]; the server answers with WS_PROTOCOL only.
 */
export const WS_PROTOCOL = 'flowbench.v1';
export const WS_TOKEN_PREFIX = 'flowbench.token.';
export const wsProtocols = (token: string): string[] => [WS_PROTOCOL, WS_TOKEN_PREFIX + token];

/** Client → server over the `flowbench serve` WebSocket. */
export const wsClientMessageSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('call'), id: z.int().min(0), method: z.string(), params: z.unknown().optional() }),
  /** Start receiving forwarded engine events. */
  z.strictObject({ type: z.literal('subscribe') }),
]);
export type WsClientMessage = z.infer<typeof wsClientMessageSchema>;

/** Server → client. Non-finite numbers in events arrive as null (JSON). */
export type WsServerMessage =
  | { type: 'reply'; id: number; ok: true; result: unknown }
  | { type: 'reply'; id: number; ok: false; error: { message: string; fields: string[] } }
  | { type: 'event'; event: RunEvent };
