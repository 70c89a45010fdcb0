/**
 * The new-run wizard: dataset (with a host-computed preview) → model & objective →
 * scale (with estimates) → review (the YAML it will run) → start. Every step has a
 * default that works; the choices become `--set` overrides resolved host-side exactly
 * like `flowbench train --scale S --set …`.
 */
import { defineStore } from 'pinia';
import { computed, reactive, ref } from 'vue';
import { balancingIgnored, type ApiReply, type Balancing, type DataLayout, type DataPreview, type Scale } from '../../../src-preload/contract.js';
export { BALANCINGS, DATA_LAYOUTS } from '../../../src-preload/contract.js';
import { errorText, useTransport } from './api.js';

export const WIZARD_STEPS = ['Dataset', 'Model & objective', 'Scale', 'Review'] as const;

export const VELOCITY_NETS = ['mlp', 'dit'] as const;
export type VelocityNet = (typeof VELOCITY_NETS)[number];

export interface DatasetChoice {
  source: 'synthetic' | 'files';
  /** Folder with LABELS.csv, a manifest CSV or a signal file (source = files). */
  path: string;
  signalKey: string;
  windowLength: number;
  layout: DataLayout;
}

export interface ModelChoice {
  velocityNet: VelocityNet;
  hiddenDim: number;
  useConditional: boolean;
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

export const DEFAULT_CHECKPOINT: CheckpointChoice = { everyEpoch: true, minutes: 5 };

export const DEFAULT_DATASET: DatasetChoice = { source: 'synthetic', path: '', signalKey: '', windowLength: 1024, layout: 'auto' };
export const DEFAULT_MODEL: ModelChoice = {
  velocityNet: 'mlp', hiddenDim: 256, useConditional: true, useContrastive: false, contrastiveWeight: 0.1, balancing: 'fixed',
  flowWeight: 1, lr: 1e-4, batchSize: 32,
};

/** The wizard's choices as `key=value` overrides; only what the wizard owns (the scale fills epochs/steps). */
export function draftSets(data: DatasetChoice, model: ModelChoice, extra: string, checkpoint: CheckpointChoice = DEFAULT_CHECKPOINT): string[] {
  const sets = [`data.source=${data.source}`];
  if (data.source === 'files') {
    sets.push(`data.path=${JSON.stringify(data.path.trim())}`);
    if (data.signalKey.trim()) sets.push(`data.signal_key=${JSON.stringify(data.signalKey.trim())}`);
    sets.push(`data.layout=${data.layout}`);
  }
  sets.push(
    `data.window_length=${data.windowLength}`,
    `data.stride=${Math.max(1, Math.floor(data.windowLength / 2))}`,
    `model.velocity_net=${model.velocityNet}`,
    `model.hidden_dim=${model.hiddenDim}`,
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

export const useWizardStore = defineStore('wizard', () => {
  const api = useTransport('useWizardStore');
  const step = ref(0);
  const dataset = reactive<DatasetChoice>({ ...DEFAULT_DATASET });
  const model = reactive<ModelChoice>({ ...DEFAULT_MODEL });
  const scale = ref<Scale>('quick');
  const checkpoint = reactive<CheckpointChoice>({ ...DEFAULT_CHECKPOINT });
  const extraSets = ref('');
  const preview = ref<DataPreview | null>(null);
  const previewing = ref(false);
  const resolved = ref<ApiReply<'resolveSpec'> | null>(null);
  const starting = ref(false);
  const error = ref<string | null>(null);

  const sets = computed(() => draftSets(dataset, model, extraSets.value, checkpoint));
  const canContinue = computed(() => step.value !== 0 || dataset.source === 'synthetic' || dataset.path.trim() !== '');

  async function loadPreview(): Promise<void> {
    previewing.value = true;
    error.value = null;
    try {
      preview.value = await api().call('previewData', {
        source: dataset.source,
        ...(dataset.source === 'files' ? { path: dataset.path.trim() } : {}),
        ...(dataset.signalKey.trim() ? { signalKey: dataset.signalKey.trim() } : {}),
        windowLength: dataset.windowLength,
        ...(dataset.source === 'files' && dataset.layout !== 'auto' ? { layout: dataset.layout } : {}),
      });
    } catch (err) {
      preview.value = null;
      error.value = errorText(err);
    } finally {
      previewing.value = false;
    }
  }

  async function resolve(): Promise<void> {
    error.value = null;
    try {
      resolved.value = await api().call('resolveSpec', { scale: scale.value, sets: sets.value });
    } catch (err) {
      resolved.value = null;
      error.value = errorText(err);
    }
  }

  async function goTo(n: number): Promise<void> {
    step.value = Math.max(0, Math.min(WIZARD_STEPS.length - 1, n));
    if (step.value >= 2) await resolve();
  }

  /** Starts the run; resolves with its id (null when the host refused: `error` says why). */
  async function start(): Promise<string | null> {
    starting.value = true;
    error.value = null;
    try {
      const { id } = await api().call('startRun', { scale: scale.value, sets: sets.value });
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
    Object.assign(dataset, DEFAULT_DATASET);
    Object.assign(model, DEFAULT_MODEL);
    scale.value = 'quick';
    Object.assign(checkpoint, DEFAULT_CHECKPOINT);
    extraSets.value = '';
    resolved.value = null;
    error.value = null;
  }

  return {
    step, dataset, model, scale, checkpoint, extraSets, preview, previewing, resolved, starting, error, sets, canContinue,
    loadPreview, resolve, goTo, start, reset,
  };
});
