/**
 * The live dashboard's state: one watched run, its step/epoch series as they arrive
 * (backfilled from the history when the run was already going), and its timeline of
 * recovery, checkpoint and lifecycle events.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import { METRIC_NAMES, type RunEvent, type RunPhase, type RunStatus } from '../../../src-preload/contract.js';
import { errorText, useTransport } from './api.js';
import { toPreview, type PreviewData } from './preview-data.js';

/** Step-event metrics, as the engine protocol declares them: a series for each. */
export const STEP_SERIES = METRIC_NAMES.step;
export type StepSeriesName = (typeof STEP_SERIES)[number];

export interface TimelineItem {
  step: number;
  kind: string;
  text: string;
  /** Recovery actions and failures are drawn on the loss chart. */
  marker: boolean;
}

export interface Series {
  step: number[];
  value: (number | null)[];
  /** Wall time of each point (ms since 1970), for the wall-time x axis. */
  t: number[];
}

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function emptySeries(): Record<string, Series> {
  const out: Record<string, Series> = { val_flow_loss: { step: [], value: [], t: [] }, train_flow_loss: { step: [], value: [], t: [] } };
  for (const n of STEP_SERIES) out[n] = { step: [], value: [], t: [] };
  return out;
}

export const useLiveStore = defineStore('live', () => {
  const api = useTransport('useLiveStore');
  const runId = ref<string | null>(null);
  const status = ref<RunStatus | null>(null);
  const reason = ref<string | null>(null);
  // Replaced wholesale (a new object per update) so charts redraw without deep watchers.
  const series = shallowRef<Record<string, Series>>(emptySeries());
  const timeline = ref<TimelineItem[]>([]);
  const latest = ref<Record<string, number | null>>({});
  const progress = ref<{ step: number; totalSteps: number | null; epoch: number | null; epochs: number | null }>({
    step: 0, totalSteps: null, epoch: null, epochs: null,
  });
  const error = ref<string | null>(null);
  const stopping = ref(false);
  /** The engine confirmed a pause (its `paused` event); pausing: a request is in flight. */
  const paused = ref(false);
  const pausing = ref(false);
  /** The newest generated-vs-real preview (engine `preview` event), null before the first. */
  const preview = shallowRef<PreviewData | null>(null);
  /** Whether the run has written a checkpoint (recorded, or seen live): Resume needs one. */
  const hasCheckpoint = ref(false);
  /**
   * What the engine is doing: loading (preparing data, before its 'started' event), training,
   * paused, ended. From getRunProgress when opened, then from live events.
   */
  const phase = ref<RunPhase>('ended');
  /** When the current engine was launched (the loading clock counts from it). */
  const loadingSince = ref<string | null>(null);
  let lastStep = -1;

  const running = computed(() => status.value === 'running' || status.value === 'created');

  function push(name: string, step: number, value: number | null, time: string): void {
    const s = series.value[name] ?? { step: [], value: [], t: [] };
    series.value = { ...series.value, [name]: { step: [...s.step, step], value: [...s.value, value], t: [...s.t, Date.parse(time)] } };
  }

  function addTimeline(item: TimelineItem): void {
    timeline.value = [...timeline.value, item];
  }

  function apply(e: RunEvent): void {
    if (e.run_id !== runId.value) return;
    switch (e.event) {
      case 'started':
        status.value = 'running';
        phase.value = 'training';
        reason.value = null; // a resumed run: the last segment's failure is history now
        progress.value = { ...progress.value, totalSteps: num(e.total_steps), epochs: num(e.epochs) };
        addTimeline({ step: e.step, kind: 'started', text: `started on ${String(e.backend)}`, marker: false });
        break;
      case 'step': {
        if (e.step <= lastStep) return;
        lastStep = e.step;
        const next: Record<string, number | null> = {};
        for (const n of STEP_SERIES) {
          const v = num(e[n]);
          next[n] = v;
          if (e[n] !== undefined) push(n, e.step, v, e.time);
        }
        // Stopping: the engine's estimate is of a run that will not finish.
        latest.value = stopping.value ? { ...next, eta_s: null } : next;
        progress.value = { ...progress.value, step: e.step, totalSteps: num(e.total_steps) ?? progress.value.totalSteps, epoch: num(e.epoch) };
        break;
      }
      case 'epoch':
        push('val_flow_loss', e.step, num(e.val_flow_loss), e.time);
        push('train_flow_loss', e.step, num(e.train_flow_loss), e.time);
        progress.value = { ...progress.value, epoch: num(e.epoch), epochs: num(e.epochs) ?? progress.value.epochs };
        break;
      case 'checkpoint':
        hasCheckpoint.value = true;
        addTimeline({ step: e.step, kind: 'checkpoint', text: `${String(e.kind)} checkpoint${e.stable ? ' (stable)' : ''}`, marker: false });
        break;
      case 'recovery':
        addTimeline({ step: e.step, kind: `recovery: ${String(e.kind)}`, text: String(e.outcome ?? ''), marker: true });
        break;
      case 'log':
        if (e.level !== 'info') addTimeline({ step: e.step, kind: String(e.level), text: String(e.message), marker: e.level === 'error' });
        break;
      case 'paused':
        paused.value = e.paused === true;
        pausing.value = false;
        phase.value = paused.value ? 'paused' : 'training';
        // A paused run has no ETA; the next step brings a fresh one.
        if (paused.value) latest.value = { ...latest.value, eta_s: null };
        addTimeline({ step: e.step, kind: paused.value ? 'paused' : 'continued', text: '', marker: false });
        break;
      case 'preview':
        preview.value = toPreview(e);
        break;
      case 'finished':
        paused.value = false;
        phase.value = 'ended';
        pausing.value = false;
        status.value = e.status as RunStatus;
        reason.value = typeof e.reason === 'string' ? e.reason : null;
        latest.value = { ...latest.value, eta_s: null }; // nothing left to estimate once it ended
        stopping.value = false;
        addTimeline({ step: e.step, kind: String(e.status), text: reason.value ?? 'finished', marker: e.status === 'failed' });
        break;
      default:
        break;
    }
  }

  /** Watches a run: backfills what the history already holds, then follows live events. */
  async function open(id: string): Promise<void> {
    runId.value = id;
    status.value = null;
    stopping.value = false;
    paused.value = false;
    pausing.value = false;
    preview.value = null;
    hasCheckpoint.value = false;
    phase.value = 'ended';
    loadingSince.value = null;
    series.value = emptySeries();
    timeline.value = [];
    latest.value = {};
    progress.value = { step: 0, totalSteps: null, epoch: null, epochs: null };
    lastStep = -1;
    error.value = null;
    reason.value = null;
    try {
      const [detail, metrics, where] = await Promise.all([
        api().call('getRun', { id }),
        api().call('getMetrics', { id, withTime: true }),
        api().call('getRunProgress', { id }),
      ]);
      if (runId.value !== id) return;
      // Live events that arrived during the calls are newer than the recorded phase.
      if (phase.value === 'ended' && status.value === null) {
        phase.value = where.phase;
        loadingSince.value = where.since;
        paused.value = where.phase === 'paused';
      }
      preview.value ??= where.preview ? toPreview(where.preview as RunEvent) : null;
      status.value = detail.run.status;
      reason.value = detail.run.error;
      hasCheckpoint.value ||= detail.checkpoints.length > 0;
      const next = emptySeries();
      for (const s of metrics.series) {
        const name = s.scope === 'epoch' && s.name === 'train_flow_loss' ? 'train_flow_loss' : s.name;
        if (s.scope === 'step' || name === 'val_flow_loss' || name === 'train_flow_loss') next[name] = { step: s.step, value: s.value, t: s.t ?? [] };
      }
      // Keep anything that arrived live while the backfill was in flight.
      for (const [k, s] of Object.entries(series.value)) {
        const base = next[k] ?? { step: [], value: [], t: [] };
        const last = base.step.length ? base.step[base.step.length - 1] : -1;
        const keep = s.step.map((st, i) => [st, s.value[i], s.t[i] ?? NaN] as const).filter(([st]) => st > last);
        next[k] = {
          step: [...base.step, ...keep.map((p) => p[0])], value: [...base.value, ...keep.map((p) => p[1])], t: [...base.t, ...keep.map((p) => p[2])],
        };
      }
      series.value = next;
      const flow = next.flow_loss.step;
      lastStep = Math.max(lastStep, flow.length ? flow[flow.length - 1] : -1);
      // A reopened run's tiles show where it stood (the recorded step / total, epoch, ETA
      // while it trains), not "0 / ?" until a live event comes.
      if (Object.keys(latest.value).length === 0 && (lastStep > 0 || where.step > 0)) {
        const lastOf = (n: string) => {
          const s = next[n];
          return s && s.value.length ? s.value[s.value.length - 1] : null;
        };
        latest.value = Object.fromEntries([...STEP_SERIES.map((n) => [n, lastOf(n)]), ['eta_s', where.etaS]]);
        progress.value = {
          step: Math.max(lastStep, where.step),
          totalSteps: where.totalSteps ?? (detail.run.status === 'completed' ? lastStep : progress.value.totalSteps),
          epoch: where.epoch ?? (next.train_flow_loss.step.length || null),
          epochs: where.epochs ?? progress.value.epochs,
        };
      } else if (progress.value.totalSteps === null) {
        progress.value = { ...progress.value, totalSteps: where.totalSteps, epochs: progress.value.epochs ?? where.epochs };
      }
      const recorded: TimelineItem[] = detail.events
        .filter((ev) => ev.kind !== 'data' && ev.kind !== 'host')
        .map((ev) => ({ step: ev.step, kind: ev.kind, text: ev.outcome ?? '', marker: ev.kind !== 'checkpoint' }));
      timeline.value = [...recorded, ...timeline.value];
    } catch (err) {
      error.value = errorText(err);
    }
  }

  async function stop(): Promise<void> {
    if (!runId.value) return;
    stopping.value = true;
    latest.value = { ...latest.value, eta_s: null };
    try {
      const r = await api().call('stopRun', { id: runId.value });
      // Not running here any more (it ended while the page caught up): no "stopping" that never ends.
      if (!r.stopping) stopping.value = false;
    } catch (err) {
      stopping.value = false;
      error.value = errorText(err);
    }
  }

  /** Pauses (true) or continues (false) the live run; the engine's `paused` event confirms. */
  async function setPaused(pause: boolean): Promise<void> {
    if (!runId.value) return;
    pausing.value = true;
    error.value = null;
    try {
      const r = await api().call(pause ? 'pauseRun' : 'continueRun', { id: runId.value });
      if (!r.sent) pausing.value = false;
    } catch (err) {
      pausing.value = false;
      error.value = errorText(err);
    }
  }

  /** Resumes the run from its newest stable checkpoint and keeps watching it. */
  async function resume(id: string): Promise<boolean> {
    await open(id);
    error.value = null;
    try {
      await api().call('resumeRun', { id });
      if (runId.value === id) {
        status.value = 'running';
        // The new engine reads its data again before it continues.
        if (phase.value === 'ended') {
          phase.value = 'loading';
          loadingSince.value = new Date().toISOString();
        }
      }
      return true;
    } catch (err) {
      error.value = errorText(err);
      return false;
    }
  }

  /** A run with no checkpoint cannot resume: start a new run with its exact config and watch that. */
  async function restart(id: string): Promise<string | null> {
    error.value = null;
    try {
      const { id: newId } = await api().call('restartRun', { id });
      await open(newId);
      return newId;
    } catch (err) {
      error.value = errorText(err);
      return null;
    }
  }

  function listen(): () => void {
    return api().onEvent(apply);
  }

  const ended = computed(() => status.value === 'failed' || status.value === 'stopped' || status.value === 'interrupted');
  /** Ended without finishing and with a checkpoint to continue from. */
  const resumable = computed(() => ended.value && hasCheckpoint.value);
  /** Ended without finishing and nothing to continue from: offer a restart instead. */
  const restartable = computed(() => ended.value && !hasCheckpoint.value);

  return {
    runId, status, reason, series, timeline, latest, progress, error, stopping, paused, pausing, preview, running, resumable, restartable, hasCheckpoint,
    phase, loadingSince,
    apply, open, stop, setPaused, resume, restart, listen,
  };
});
