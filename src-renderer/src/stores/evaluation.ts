/**
 * Evaluation in the app: Evaluate (scale and sections, progress from the engine's
 * `evaluation` events) and Sample on a finished run, and the newest report's score table.
 * The host runs both through its job manager, exactly as `flowbench evaluate` / `sample` do.
 */
import { defineStore } from 'pinia';
import { reactive, ref } from 'vue';
import { EVALUATION_SECTIONS, type ApiReply, type RunEvent, type Scale } from '../../../src-preload/contract.js';
import { errorText, useTransport } from './api.js';

export type EvaluationSection = (typeof EVALUATION_SECTIONS)[number];

export const useEvaluationStore = defineStore('evaluation', () => {
  const api = useTransport('useEvaluationStore');
  const runId = ref<string | null>(null);
  const scores = ref<ApiReply<'getEvaluationScores'>['report']>(null);
  const scale = ref<Scale>('quick');
  const sections = reactive<Record<EvaluationSection, boolean>>(Object.fromEntries(EVALUATION_SECTIONS.map((s) => [s, true])) as Record<EvaluationSection, boolean>);
  const evaluating = ref(false);
  /** Sections the engine has finished, in order, with their seconds. */
  const done = ref<{ section: string; seconds: number }[]>([]);
  const sampleCount = ref(8);
  const sampling = ref(false);
  const sample = ref<ApiReply<'sampleRun'> | null>(null);
  const error = ref<string | null>(null);

  /** Shows run `id`: its newest scores; the progress and sample of another run are dropped. */
  async function open(id: string): Promise<void> {
    if (runId.value !== id) {
      runId.value = id;
      scores.value = null;
      sample.value = null;
      error.value = null;
      if (!evaluating.value) done.value = [];
    }
    try {
      const r = await api().call('getEvaluationScores', { id });
      if (runId.value === id) scores.value = r.report;
    } catch (err) {
      if (runId.value === id) error.value = errorText(err);
    }
  }

  function onEvent(e: RunEvent): void {
    if (e.event !== 'evaluation' || e.run_id !== runId.value || !evaluating.value) return;
    if (typeof e.section === 'string' && e.section !== 'figures') done.value.push({ section: e.section, seconds: typeof e.seconds === 'number' ? e.seconds : 0 });
  }

  /** Evaluates the open run; resolves once the report is written (true) or failed (false, `error` says why). */
  async function evaluate(): Promise<boolean> {
    const id = runId.value;
    if (!id) return false;
    const chosen = EVALUATION_SECTIONS.filter((s) => sections[s]);
    evaluating.value = true;
    done.value = [];
    error.value = null;
    const off = api().onEvent(onEvent);
    try {
      await api().call('evaluateRun', { id, scale: scale.value, sections: chosen });
      await open(id);
      return true;
    } catch (err) {
      error.value = errorText(err);
      return false;
    } finally {
      off();
      evaluating.value = false;
    }
  }

  async function drawSamples(): Promise<void> {
    const id = runId.value;
    if (!id) return;
    sampling.value = true;
    error.value = null;
    try {
      const r = await api().call('sampleRun', { id, count: sampleCount.value });
      if (runId.value === id) sample.value = r;
    } catch (err) {
      error.value = errorText(err);
    } finally {
      sampling.value = false;
    }
  }

  return { runId, scores, scale, sections, evaluating, done, sampleCount, sampling, sample, error, open, evaluate, drawSamples };
});
