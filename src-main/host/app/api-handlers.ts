/**
 * The host side of the contract: one async handler per API method. Each validates its
 * request with the contract's schema (a bad request fails naming the field), reads the
 * store, and maps store rows to the contract's reply shapes. Both transports (Electron
 * IPC in src-main/index.ts, WebSocket in `flowbench serve`) call these same handlers.
 */
import {
  contract,
  parseRequest,
  type ApiMethod,
  type ApiReply,
  type Checkpoint,
  type MetricSeries,
  type MetricSummary,
  type Run,
  type RunEvent,
  type RunEventRow,
} from '../../../src-preload/contract.js';
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { dataSourcePaths, runSpecSchema } from '../../config/index.js';
import type { EngineEvent } from '../../engine/protocol/index.js';
import type { RunSpec } from '../../config/index.js';
import { openDataSource } from '../../data/index.js';
import { assertRecordsUnderDataRoots } from '../datasets/data-roots.js';
import { previewData } from '../datasets/data-preview.js';
import { evaluationFigure } from '../evaluate/evaluation-figure.js';
import { writeFigure } from '../evaluate/figure-files.js';
import type { JobManager } from './job-manager.js';
import { headlineLosses } from '../runs/headline-losses.js';
import { runColumns } from '../runs/run-columns.js';
import { runProgress } from '../runs/run-progress.js';
import { insideDir } from '../paths.js';
import { estimateScales, resolveDraft } from './run-draft.js';
import { DEFAULT_CONFIGS_DIR, listConfigTemplates } from './config-templates.js';
import { evaluationScores } from '../evaluate/evaluation-scores.js';
import { firstWindows, samplesPath } from '../sample/sample-files.js';
import type {
  CheckpointRow,
  EventRow,
  MetricRow,
  MetricSummary as StoreMetricSummary,
  RunRow,
  Store,
} from '../../store/index.js';

export type ApiHandlers = { [M in ApiMethod]: (req: unknown) => Promise<ApiReply<M>> };

/** JSON has no NaN/Infinity: the contract carries them as null. */
function finiteOrNull(v: number | null | undefined): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function toRun(row: RunRow, summary: readonly StoreMetricSummary[], active = false): Run {
  const losses = headlineLosses(summary);
  return {
    id: row.id,
    name: row.name,
    status: row.status,
    scale: row.scale,
    dataSource: row.dataSource,
    seed: row.seed,
    backend: row.backend,
    createdAt: row.createdAt,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
    durationS: row.durationS,
    error: row.error,
    parentRunId: row.parentRunId,
    lastFlowLoss: finiteOrNull(losses.lastFlowLoss),
    bestFlowLoss: finiteOrNull(losses.bestFlowLoss),
    lastValLoss: finiteOrNull(losses.lastValLoss),
    bestValLoss: finiteOrNull(losses.bestValLoss),
    archived: row.archived,
    active,
    ...runColumns(row.config),
  };
}

function toSummary(m: StoreMetricSummary): MetricSummary {
  return {
    name: m.name,
    scope: m.scope,
    count: m.count,
    lastStep: m.lastStep,
    last: finiteOrNull(m.last),
    min: finiteOrNull(m.min),
    max: finiteOrNull(m.max),
  };
}

function toEventRow(e: EventRow): RunEventRow {
  return { step: e.step, kind: e.kind, details: e.details, outcome: e.outcome, time: e.time };
}

function toCheckpoint(c: CheckpointRow): Checkpoint {
  return {
    step: c.step, epoch: c.epoch, path: c.path, sha256: c.sha256, bytes: c.bytes,
    kind: c.kind, stable: c.stable, createdAt: c.createdAt,
  };
}

/**
 * Rows ordered by step → one column pair per (name, scope), in first-seen order; with
 * `withTime`, each row's wall time (series.t, ms since 1970).
 */
function toSeries(rows: readonly MetricRow[], withTime = false): MetricSeries[] {
  const byKey = new Map<string, MetricSeries>();
  for (const r of rows) {
    const key = `${r.scope}\u0000${r.name}`;
    let s = byKey.get(key);
    if (!s) byKey.set(key, (s = { name: r.name, scope: r.scope, step: [], value: [], ...(withTime ? { t: [] } : {}) }));
    s.step.push(r.step);
    s.value.push(finiteOrNull(r.value));
    s.t?.push(Date.parse(r.time));
  }
  return [...byKey.values()];
}

/** Checks a reply against the contract before it leaves, so drift fails here, loudly. */
function reply<M extends ApiMethod>(method: M, value: ApiReply<M>): ApiReply<M> {
  return contract[method].reply.parse(value) as ApiReply<M>;
}

/** What the run-starting methods need; a host without them answers those methods with an error. */
export interface ApiHandlerDeps {
  jobs?: JobManager;
  /** Folder a relative data path typed in the wizard is resolved against. */
  cwd?: string;
  /** Where exported figures go (`<figuresDir>/<run id or compare-…>/`). */
  figuresDir?: string;
  /** Folders a request may read data from (default: [cwd]); see data-roots.ts. */
  dataRoots?: readonly string[];
  /** The shipped config files the wizard starts from (default: <package>/configs). */
  configsDir?: string;
}

export function createApiHandlers(store: Store, deps: ApiHandlerDeps = {}): ApiHandlers {
  const cwd = deps.cwd ?? process.cwd();
  const dataRoots = deps.dataRoots ?? [cwd];
  const configsDir = deps.configsDir ?? DEFAULT_CONFIGS_DIR;
  /** A run started from the UI reads only under the data roots (its path and every manifest row). */
  const checkRunData = async (spec: RunSpec): Promise<void> => {
    if (spec.data.source !== 'files' || spec.data.path === null) return;
    const dataPaths = dataSourcePaths(spec.data.path).map((p) => path.resolve(cwd, p));
    for (const dataPath of dataPaths) assertRecordsUnderDataRoots(dataPath, [], dataRoots);
    const source = await openDataSource(spec.data, { cwd, seed: spec.environment.seed, select: spec.task });
    assertRecordsUnderDataRoots(dataPaths.length === 1 ? dataPaths[0]! : null, source.records, dataRoots);
  };
  const jobsOf = (method: string): JobManager => {
    if (!deps.jobs) throw new Error(`${method}: this host was started without a job manager, so it cannot run jobs`);
    return deps.jobs;
  };
  const runOf = (row: RunRow): Run => toRun(row, store.metrics.summary(row.id), deps.jobs?.isActive(row.id) ?? false);
  const rowOf = (ref: string): RunRow => {
    const id = store.runs.resolveId(ref);
    const row = store.runs.get(id);
    // resolveId only returns ids it found, so this is a run deleted in between.
    if (!row) throw new Error(`run ${id} disappeared while it was being read`);
    return row;
  };

  return {
    async listRuns(raw) {
      const req = parseRequest('listRuns', raw);
      const rows = store.runs.list({ limit: req.limit ?? 200, status: req.status, includeArchived: req.includeArchived });
      return reply('listRuns', { runs: rows.map(runOf) });
    },

    async getRun(raw) {
      const req = parseRequest('getRun', raw);
      const row = rowOf(req.id);
      const summary = store.metrics.summary(row.id);
      return reply('getRun', {
        run: toRun(row, summary, deps.jobs?.isActive(row.id) ?? false),
        metrics: summary.map(toSummary),
        events: store.events.forRun(row.id).map(toEventRow),
        checkpoints: store.checkpoints.forRun(row.id).map(toCheckpoint),
        config: row.config,
      });
    },

    async getMetrics(raw) {
      const req = parseRequest('getMetrics', raw);
      const id = rowOf(req.id).id;
      const rows = store.metrics.forRun(id, { names: req.names, scope: req.scope });
      return reply('getMetrics', { id, series: toSeries(rows, req.withTime === true) });
    },

    async previewData(raw) {
      const req = parseRequest('previewData', raw);
      const synthetic = req.config ? resolveDraft({ scale: 'quick', sets: [], config: req.config }, cwd, configsDir).spec.data.synthetic : undefined;
      return reply('previewData', await previewData(req, cwd, dataRoots, synthetic));
    },

    async resolveSpec(raw) {
      const req = parseRequest('resolveSpec', raw);
      const { spec, yaml, warnings } = resolveDraft(req, cwd, configsDir);
      return reply('resolveSpec', { spec, yaml, warnings, estimates: estimateScales(req, cwd, configsDir) });
    },

    async startRun(raw) {
      const req = parseRequest('startRun', raw);
      const jobs = jobsOf('startRun');
      const { spec } = resolveDraft(req, cwd, configsDir);
      await checkRunData(spec);
      return reply('startRun', { id: await jobs.startRun(spec) });
    },

    async stopRun(raw) {
      const req = parseRequest('stopRun', raw);
      const id = rowOf(req.id).id;
      return reply('stopRun', { id, stopping: jobsOf('stopRun').stopRun(id) });
    },

    async pauseRun(raw) {
      const req = parseRequest('pauseRun', raw);
      const id = rowOf(req.id).id;
      return reply('pauseRun', { id, sent: jobsOf('pauseRun').setPaused(id, true) });
    },

    async continueRun(raw) {
      const req = parseRequest('continueRun', raw);
      const id = rowOf(req.id).id;
      return reply('continueRun', { id, sent: jobsOf('continueRun').setPaused(id, false) });
    },

    async resumeRun(raw) {
      const req = parseRequest('resumeRun', raw);
      const jobs = jobsOf('resumeRun');
      const id = rowOf(req.id).id;
      if (jobs.isActive(id)) throw new Error(`resumeRun: run ${id} is running; nothing to resume`);
      return reply('resumeRun', { id: await jobs.resumeRun(id) });
    },

    async restartRun(raw) {
      const req = parseRequest('restartRun', raw);
      const jobs = jobsOf('restartRun');
      const run = rowOf(req.id);
      const parsed = runSpecSchema.safeParse(run.config);
      if (!parsed.success) throw new Error(`restartRun: run ${run.id}'s recorded config no longer validates (${parsed.error.issues[0]?.message ?? 'invalid'})`);
      return reply('restartRun', { id: await jobs.startRun(parsed.data) });
    },

    async activeRuns(raw) {
      parseRequest('activeRuns', raw);
      const active = deps.jobs?.active() ?? [];
      return reply('activeRuns', { runs: active.map((a) => ({ id: a.id, startedAt: a.startedAt, paused: a.paused })) });
    },

    async archiveRun(raw) {
      const req = parseRequest('archiveRun', raw);
      const id = rowOf(req.id).id;
      store.runs.update(id, { archived: req.archived });
      return reply('archiveRun', { id, archived: req.archived });
    },

    async deleteRun(raw) {
      const req = parseRequest('deleteRun', raw);
      const row = rowOf(req.id);
      const id = row.id;
      if (deps.jobs?.isActive(id)) throw new Error(`deleteRun: run ${id} is running; stop it first`);
      const folder = path.resolve(row.workdir);
      // Only a run's own folder (named by its id) is ever removed, whatever the row says.
      if (req.removeFolder && path.basename(folder) !== id) {
        throw new Error(`deleteRun: run ${id}'s folder ${folder} is not named after the run; refusing to remove it (delete it by hand)`);
      }
      const deleted = store.runs.delete(id);
      let folderRemoved = false;
      if (deleted && req.removeFolder && existsSync(folder)) {
        rmSync(folder, { recursive: true, force: true });
        folderRemoved = !existsSync(folder);
      }
      return reply('deleteRun', { id, deleted, folder, folderRemoved });
    },

    async exportFigure(raw) {
      const req = parseRequest('exportFigure', raw);
      for (const id of req.runIds) if (!store.runs.get(id)) throw new Error(`exportFigure: no run with id ${id}`);
      const root = deps.figuresDir ?? path.join(path.dirname(store.file), 'figures');
      const folder = req.runIds.length === 1 ? req.runIds[0] : `compare-${req.runIds.join('-')}`.slice(0, 120);
      return reply('exportFigure', writeFigure(insideDir(root, folder, 'figure folder'), req));
    },

    async getRunProgress(raw) {
      const req = parseRequest('getRunProgress', raw);
      const row = rowOf(req.id);
      const active = deps.jobs?.active().find((a) => a.id === row.id);
      return reply('getRunProgress', runProgress({
        id: row.id,
        runDir: row.workdir,
        recordedStep: store.metrics.lastStep(row.id, 'step') || null,
        active: active ? { since: active.startedAt, paused: active.paused } : null,
      }));
    },

    async getEvaluationFigure(raw) {
      const req = parseRequest('getEvaluationFigure', raw);
      return reply('getEvaluationFigure', evaluationFigure(store, rowOf(req.id)));
    },

    async listConfigs(raw) {
      parseRequest('listConfigs', raw);
      return reply('listConfigs', { configs: listConfigTemplates(configsDir, cwd), dir: configsDir });
    },

    async estimateRun(raw) {
      const req = parseRequest('estimateRun', raw);
      const { spec } = resolveDraft(req, cwd, configsDir);
      const timing = await jobsOf('estimateRun').timeSteps(spec);
      return reply('estimateRun', { ...timing, estimates: estimateScales(req, cwd, configsDir, timing) });
    },

    async getEvaluationScores(raw) {
      const req = parseRequest('getEvaluationScores', raw);
      return reply('getEvaluationScores', evaluationScores(rowOf(req.id)));
    },

    async evaluateRun(raw) {
      const req = parseRequest('evaluateRun', raw);
      const id = rowOf(req.id).id;
      const result = await jobsOf('evaluateRun').evaluateRun(id, req.scale, req.sections);
      if (result.reportPath === null) throw new Error(`evaluateRun: the evaluation of run ${id} failed: ${result.finished.reason ?? 'no reason given'}`);
      return reply('evaluateRun', { id, reportPath: result.reportPath, qualityRows: result.qualityRows, checkpointNote: result.checkpointNote });
    },

    async sampleRun(raw) {
      const req = parseRequest('sampleRun', raw);
      const run = rowOf(req.id);
      const out = samplesPath(run.workdir);
      const result = await jobsOf('sampleRun').sampleRun(run.id, req.count, out);
      const s = result.sampled;
      if (result.finished.status !== 'completed' || !s) throw new Error(`sampleRun: sampling run ${run.id} failed: ${result.finished.reason ?? 'no reason given'}`);
      return reply('sampleRun', {
        id: run.id, path: s.out_path, count: s.count, windowLength: s.window_length, channels: s.channels, seconds: s.seconds,
        windows: firstWindows(s.out_path, 4),
      });
    },
  };
}

/**
 * An engine event as the contract forwards it. Typed EngineEvent → RunEvent, so a change
 * to protocol.ts that the contract's event schema does not allow fails to compile here.
 * Non-finite numbers pass as they are over IPC (structured clone keeps NaN).
 */
export function toRunEvent(event: EngineEvent): RunEvent {
  // The spread makes an object-literal type, which (unlike the protocol's interfaces)
  // is assignable to the contract's open record.
  return { ...event };
}
