/**
 * The new-run wizard: start from a shipped config (configs/*.yaml, listed by the host) →
 * dataset (with a host-computed preview of any recording) → model & objective → scale
 * (time measured by running a few steps of the chosen model on this machine) → review (the
 * YAML it will run) → start. The choices' defaults are the chosen config's values, so the
 * wizard and `flowbench train --config` start from one source; the choices become `--set`
 * overrides on that file, resolved host-side exactly like `flowbench train --config F --scale S --set …`.
 */
import { defineStore } from 'pinia';
import { computed, reactive, ref, watch } from 'vue';
import {
  balancingIgnored, type ApiReply, type Balancing, type ConfigTemplate, type DataLayout, type DataPreview, type RunDraft, type Scale,
} from '../../../src-preload/contract.js';
export { BALANCINGS, DATA_LAYOUTS } from '../../../src-preload/contract.js';
import { errorText, useTransport } from './api.js';

export const WIZARD_STEPS = ['Dataset', 'Model & objective', 'Scale', 'Review'] as const;

export const VELOCITY_NETS = ['mlp', 'dit'] as const;
export type VelocityNet = (typeof VELOCITY_NETS)[number];

/** The config a new wizard starts from (the README's first command uses it too). */
export const DEFAULT_TEMPLATE = 'flow_pretrain_basic.yaml';

export interface DatasetChoice {
  source: 'synthetic' | 'files';
  /** Folder with LABELS.csv, a manifest CSV or a signal file (source = files). */
  path: string;
  signalKey: string;
  windowLength: number;
  layout: DataLayout;
  /** data.resample_hz: 'auto' (mixed rates → the lowest), 'none' (each file's own rate) or a rate in Hz. */
  resample: string;
}

export interface ModelChoice {
  velocityNet: VelocityNet;
  hiddenDim: number;
  useConditional: boolean;
  /** model.conditions as the config has them; label conditioning toggles 'label' in this list. */
  conditions: string[];
  useContrastive: boolean;
  contrastiveWeight: number;
  balancing: Balancing;
  flowWeight: number;
  lr: number;
  batchSize: number;
}

/** Crash safety (task.checkpoint_every_epoch / checkpoint_minutes): what a kill -9 can cost. */
export interface CheckpointChoice {
  everyEpoch: boolean;
  /** Wall-time interval within an epoch; 0 = none. */
  minutes: number;
}

export interface WizardChoices {
  dataset: DatasetChoice;
  model: ModelChoice;
  checkpoint: CheckpointChoice;
}

type Section = Record<string, unknown>;
const sec = (spec: Record<string, unknown>, name: string): Section => (spec[name] ?? {}) as Section;

/** A config's resolved spec → the wizard's choices (the only place the wizard's defaults come from). */
export function choicesFromSpec(spec: Record<string, unknown>): WizardChoices {
  const data = sec(spec, 'data'), model = sec(spec, 'model'), task = sec(spec, 'task');
  const resample = data.resample_hz;
  const path = data.path;
  return {
    dataset: {
      source: data.source === 'files' ? 'files' : 'synthetic',
      path: typeof path === 'string' ? path : Array.isArray(path) ? String(path[0] ?? '') : '',
      signalKey: typeof data.signal_key === 'string' ? data.signal_key : '',
      windowLength: Number(data.window_length),
      layout: (data.layout ?? 'auto') as DataLayout,
      resample: resample === null ? 'none' : String(resample ?? 'auto'),
    },
    model: {
      velocityNet: (model.velocity_net ?? 'mlp') as VelocityNet,
      hiddenDim: Number(model.hidden_dim),
      useConditional: task.use_conditional === true,
      conditions: Array.isArray(model.conditions) ? model.conditions.map(String) : ['domain', 'dataset'],
      useContrastive: task.use_contrastive === true,
      contrastiveWeight: Number(task.contrastive_loss_weight),
      balancing: (task.balancing ?? 'fixed') as Balancing,
      flowWeight: Number(task.flow_loss_weight),
      lr: Number(task.lr),
      batchSize: Number(task.batch_size),
    },
    checkpoint: { everyEpoch: task.checkpoint_every_epoch !== false, minutes: Number(task.checkpoint_minutes ?? 0) },
  };
}

/** data.resample_hz as YAML, or null when the text is not a valid choice. */
export function resampleValue(text: string): string | null {
  const t = text.trim().toLowerCase();
  if (t === 'auto') return 'auto';
  if (t === 'none' || t === '') return 'null';
  const hz = Number(t);
  return Number.isFinite(hz) && hz > 0 && hz <= 1e6 ? String(hz) : null;
}

/** The wizard's choices as `key=value` overrides on the config file; only what the wizard owns (the scale fills epochs/steps). */
export function draftSets(data: DatasetChoice, model: ModelChoice, extra: string, checkpoint: CheckpointChoice): string[] {
  const sets = [`data.source=${data.source}`];
  if (data.source === 'files') {
    sets.push(`data.path=${JSON.stringify(data.path.trim())}`);
    if (data.signalKey.trim()) sets.push(`data.signal_key=${JSON.stringify(data.signalKey.trim())}`);
    sets.push(`data.layout=${data.layout}`);
  }
  const resample = resampleValue(data.resample);
  if (resample !== null) sets.push(`data.resample_hz=${resample}`);
  sets.push(
    `data.window_length=${data.windowLength}`,
    `data.stride=${Math.max(1, Math.floor(data.windowLength / 2))}`,
    `model.velocity_net=${model.velocityNet}`,
    `model.hidden_dim=${model.hiddenDim}`,
    `model.conditions=${JSON.stringify(model.conditions)}`,
    `task.use_conditional=${model.useConditional}`,
    `task.use_contrastive=${model.useContrastive}`,
    `task.flow_loss_weight=${model.flowWeight}`,
    `task.contrastive_loss_weight=${model.contrastiveWeight}`,
    // Balancing needs the contrastive branch; without it the engine trains the flow alone (fixed).
    `task.balancing=${balancingIgnored({ balancing: model.balancing, use_contrastive: model.useContrastive }) ? 'fixed' : model.balancing}`,
    `task.lr=${model.lr}`,
    `task.batch_size=${model.batchSize}`,
    `task.checkpoint_every_epoch=${checkpoint.everyEpoch}`,
    `task.checkpoint_minutes=${checkpoint.minutes}`,
  );
  // Advanced: one key=value per line, applied last (they win, as --set does).
  for (const line of extra.split('\n')) if (line.trim() && !line.trim().startsWith('#')) sets.push(line.trim());
  return sets;
}

/** Why a step's input cannot go on (null = it can); shown beside the disabled Next. */
export function invalidModel(m: ModelChoice): string | null {
  if (!(m.lr > 0 && m.lr <= 10)) return `learning rate ${m.lr} is out of range: valid is > 0 and ≤ 10 (the config uses 1e-3)`;
  if (!(m.flowWeight >= 0)) return `flow loss weight ${m.flowWeight} must be ≥ 0`;
  if (m.useContrastive && !(m.contrastiveWeight >= 0)) return `contrastive weight ${m.contrastiveWeight} must be ≥ 0`;
  return null;
}

export function invalidCheckpoint(c: CheckpointChoice): string | null {
  return Number.isFinite(c.minutes) && c.minutes >= 0 && c.minutes <= 1440 ? null : `checkpoint minutes ${c.minutes} is out of range: valid is 0 to 1440`;
}

export const useWizardStore = defineStore('wizard', () => {
  const api = useTransport('useWizardStore');
  const step = ref(0);
  const templates = ref<ConfigTemplate[]>([]);
  const template = ref<string | null>(null);
  const dataset = reactive<DatasetChoice>({ source: 'synthetic', path: '', signalKey: '', windowLength: 0, layout: 'auto', resample: 'auto' });
  const model = reactive<ModelChoice>({
    velocityNet: 'mlp', hiddenDim: 0, useConditional: false, conditions: [], useContrastive: false, contrastiveWeight: 0, balancing: 'fixed',
    flowWeight: 0, lr: 0, batchSize: 0,
  });
  const scale = ref<Scale>('quick');
  const checkpoint = reactive<CheckpointChoice>({ everyEpoch: true, minutes: 0 });
  const extraSets = ref('');
  const preview = ref<DataPreview | null>(null);
  /** The dataset choice the preview was read for (a preview of another choice is never shown). */
  const previewedKey = ref<string | null>(null);
  const previewError = ref<string | null>(null);
  const previewing = ref(false);
  const record = ref<string | null>(null);
  const resolved = ref<ApiReply<'resolveSpec'> | null>(null);
  const estimate = ref<ApiReply<'estimateRun'> | null>(null);
  const estimateKey = ref<string | null>(null);
  const estimating = ref(false);
  const starting = ref(false);
  const error = ref<string | null>(null);

  const sets = computed(() => draftSets(dataset, model, extraSets.value, checkpoint));
  const draft = computed<RunDraft>(() => ({ scale: scale.value, sets: sets.value, ...(template.value ? { config: template.value } : {}) }));
  const datasetKey = computed(() => JSON.stringify([template.value, dataset.source, dataset.path.trim(), dataset.signalKey.trim(), dataset.layout, dataset.windowLength]));
  /** Every scale is estimated from the same timing, so the key leaves the scale (and the checkpoint choice) out. */
  const modelKey = computed(() => JSON.stringify([template.value, sets.value.filter((s) => !s.startsWith('task.checkpoint_'))]));
  const labelConditioning = computed({
    get: () => model.conditions.includes('label'),
    set: (on: boolean) => {
      const rest = model.conditions.filter((c) => c !== 'label');
      model.conditions = on ? [...rest, 'label'] : rest;
    },
  });

  // A different dataset (or window) makes the preview stale: drop it at once, and the recording choice with it.
  watch(datasetKey, () => {
    preview.value = null;
    previewedKey.value = null;
    previewError.value = null;
    record.value = null;
  });

  function datasetProblem(): string | null {
    if (!template.value) return 'reading the shipped configs…';
    if (resampleValue(dataset.resample) === null) return `resample rate "${dataset.resample}" is not valid: use auto, none or a rate in Hz (e.g. 12000)`;
    if (dataset.source === 'synthetic') return null;
    if (dataset.path.trim() === '') return 'enter the dataset folder, manifest CSV or signal file';
    if (previewing.value) return 'reading the dataset…';
    if (previewError.value) return `the dataset cannot be read: ${previewError.value}`;
    if (previewedKey.value !== datasetKey.value) return 'press Preview: the host reads the dataset before a run can use it';
    return null;
  }

  /** Why Next cannot be pressed on the current step (null = it can). */
  const blockedReason = computed<string | null>(() => {
    if (step.value === 0) return datasetProblem();
    if (step.value === 1) return invalidModel(model);
    if (step.value === 2) return invalidCheckpoint(checkpoint);
    return null;
  });
  const canContinue = computed(() => blockedReason.value === null);

  function applyTemplate(file: string): void {
    const t = templates.value.find((c) => c.file === file);
    if (!t) return;
    template.value = file;
    const c = choicesFromSpec(t.spec);
    Object.assign(dataset, c.dataset);
    Object.assign(model, c.model);
    Object.assign(checkpoint, c.checkpoint);
    resolved.value = null;
  }

  async function loadTemplates(): Promise<void> {
    try {
      const r = await api().call('listConfigs', {});
      templates.value = r.configs;
      if (r.configs.length === 0) error.value = `no run config found in ${r.dir}; the wizard starts from those files`;
      else if (!template.value) applyTemplate(r.configs.find((c) => c.file === DEFAULT_TEMPLATE)?.file ?? r.configs[0]!.file);
    } catch (err) {
      error.value = errorText(err);
    }
  }

  async function loadPreview(recordId: string | null = record.value): Promise<void> {
    const key = datasetKey.value;
    previewing.value = true;
    previewError.value = null;
    error.value = null;
    try {
      const p = await api().call('previewData', {
        source: dataset.source,
        ...(dataset.source === 'files' ? { path: dataset.path.trim() } : {}),
        ...(dataset.signalKey.trim() ? { signalKey: dataset.signalKey.trim() } : {}),
        windowLength: dataset.windowLength,
        ...(dataset.source === 'files' && dataset.layout !== 'auto' ? { layout: dataset.layout } : {}),
        ...(recordId ? { record: recordId } : {}),
        ...(template.value ? { config: template.value } : {}),
      });
      if (key !== datasetKey.value) return; // the choice changed while reading: this preview is of another dataset
      preview.value = p;
      previewedKey.value = key;
      record.value = p.windowOf.id;
    } catch (err) {
      if (key !== datasetKey.value) return;
      preview.value = null;
      previewError.value = errorText(err);
    } finally {
      previewing.value = false;
    }
  }

  async function resolve(): Promise<void> {
    error.value = null;
    try {
      resolved.value = await api().call('resolveSpec', draft.value);
    } catch (err) {
      resolved.value = null;
      error.value = errorText(err);
    }
  }

  /** Times a few steps of the chosen model on the host (once per model choice); the scale cards show the result. */
  async function estimateTime(): Promise<void> {
    const key = modelKey.value;
    if (estimateKey.value === key && estimate.value) return;
    estimating.value = true;
    try {
      const r = await api().call('estimateRun', draft.value);
      if (key === modelKey.value) {
        estimate.value = r;
        estimateKey.value = key;
      }
    } catch (err) {
      error.value = `time estimate: ${errorText(err)}`;
    } finally {
      estimating.value = false;
    }
  }
  const currentEstimate = computed(() => (estimateKey.value === modelKey.value ? estimate.value : null));

  async function goTo(n: number): Promise<void> {
    step.value = Math.max(0, Math.min(WIZARD_STEPS.length - 1, n));
    if (step.value >= 2) {
      await resolve();
      if (step.value === 2) void estimateTime();
    }
  }

  /** Starts the run; resolves with its id (null when the host refused: `error` says why). */
  async function start(): Promise<string | null> {
    starting.value = true;
    error.value = null;
    try {
      const { id } = await api().call('startRun', draft.value);
      return id;
    } catch (err) {
      error.value = errorText(err);
      return null;
    } finally {
      starting.value = false;
    }
  }

  function reset(): void {
    step.value = 0;
    const file = template.value;
    template.value = null;
    if (file) applyTemplate(file);
    scale.value = 'quick';
    extraSets.value = '';
    resolved.value = null;
    error.value = null;
  }

  return {
    step, templates, template, dataset, model, scale, checkpoint, extraSets, preview, previewing, previewError, previewedKey, record,
    resolved, estimate: currentEstimate, estimating, starting, error, sets, draft, canContinue, blockedReason, labelConditioning,
    loadTemplates, applyTemplate, loadPreview, resolve, estimateTime, goTo, start, reset,
  };
});
