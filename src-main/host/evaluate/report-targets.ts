/**
 * The product's targets (issue 11: CWRU, the report's own protocol) checked against one
 * evaluation report: each target's value, whether it is met, and by how much it misses.
 * Declared once here; report.md's "Targets" table is drawn from it (evaluate-report.ts).
 */

type Tree = Record<string, unknown>;

export interface TargetRow {
  target: string;
  /** The measured value (null when the report lacks it). */
  value: number | null;
  /** The value it is compared with (a threshold, or a baseline plus a margin). */
  needed: number | null;
  status: 'met' | 'missed' | 'not measured';
  /** met / missed by … / why it is not measured. */
  note: string;
}

function at(tree: Tree, dotted: string): unknown {
  let v: unknown = tree;
  for (const k of dotted.split('.')) v = typeof v === 'object' && v !== null ? (v as Tree)[k] : undefined;
  return v;
}

/** A MetricResult's value, a plain number, or the reason it is missing. */
function valueAt(tree: Tree, dotted: string): number | string {
  const v = at(tree, dotted);
  if (typeof v === 'number') return v;
  if (typeof v === 'object' && v !== null && typeof (v as Tree).value === 'number') return (v as Tree).value as number;
  return typeof v === 'string' ? v : `${dotted} is not in this report`;
}

interface TargetDef {
  target: string;
  /** Value and the level it must reach (or stay under); a string says why it cannot be judged. */
  measure: (r: Tree) => { value: number; needed: number } | string;
  higherIsBetter: boolean;
  /** Must beat `needed`, not just reach it. */
  strict?: boolean;
}

const atLeast = (path: string, needed: number) => (r: Tree) => {
  const v = valueAt(r, path);
  return typeof v === 'number' ? { value: v, needed } : v;
};

/** value ≥ baseline + margin. */
const beyond = (path: string, baseline: string, margin: number) => (r: Tree) => {
  const v = valueAt(r, path);
  const b = valueAt(r, baseline);
  if (typeof v !== 'number') return v;
  if (typeof b !== 'number') return b;
  return { value: v, needed: b + margin };
};

/** Generation leaves that compare with the noise controls (beats_controls present). */
function generationBeats(r: Tree): { value: number; needed: number } | string {
  const gen = r.generation;
  if (typeof gen !== 'object' || gen === null) return 'generation is not in this report';
  const leaves = Object.values(gen as Tree).filter((l): l is Tree => typeof l === 'object' && l !== null && typeof (l as Tree).beats_controls === 'boolean');
  if (leaves.length === 0) return 'no generation metric compares with the noise controls';
  return { value: leaves.filter((l) => l.beats_controls === true).length, needed: Math.min(7, leaves.length) };
}

export const TARGETS: readonly TargetDef[] = [
  { target: 'validation flow loss ≤ 1.25 (the evaluated checkpoint)', measure: (r) => { const v = valueAt(r, 'training.val_flow_loss'); return typeof v === 'number' ? { value: v, needed: 1.25 } : v; }, higherIsBetter: false },
  { target: 'frozen 4-way 5-shot ≥ 0.90', measure: atLeast('few_shot.accuracy', 0.9), higherIsBetter: true },
  { target: 'frozen 5-shot ≥ log-PSD baseline + 0.05', measure: beyond('few_shot.accuracy', 'baselines.log_psd.few_shot.accuracy', 0.05), higherIsBetter: true },
  { target: 'frozen 5-shot ≥ random-init twin + 0.05', measure: beyond('few_shot.accuracy', 'baselines.random_init.few_shot.accuracy', 0.05), higherIsBetter: true },
  { target: '10-class linear probe ≥ 0.98', measure: atLeast('linear_probe.accuracy', 0.98), higherIsBetter: true },
  { target: 'cross-load 0 → 1 HP ≥ 0.95', measure: atLeast('cross_condition.accuracy', 0.95), higherIsBetter: true },
  { target: 'anomaly AUROC ≥ 0.99', measure: atLeast('anomaly.auroc', 0.99), higherIsBetter: true },
  { target: 'conditional generation accuracy ≥ 0.90 (at guidance 1)', measure: (r) => (at(r, 'generation.guidance_scale') !== undefined && at(r, 'generation.guidance_scale') !== 1 ? `evaluated at guidance ${String(at(r, 'generation.guidance_scale'))}, the target is at 1` : atLeast('generation.conditional_accuracy', 0.9)(r)), higherIsBetter: true },
  { target: 'conditional generation accuracy above the phase-surrogate control', measure: (r) => { const v = valueAt(r, 'generation.conditional_accuracy'); const p = at(r, 'generation.conditional_accuracy.controls.phase_random'); return typeof v !== 'number' ? v : typeof p === 'number' ? { value: v, needed: p } : 'no phase-surrogate control in this report'; }, higherIsBetter: true, strict: true },
  { target: 'envelope BPFI hit rate, inner race ≥ 0.80', measure: atLeast('generation.envelope_hit_rate_inner_race', 0.8), higherIsBetter: true },
  { target: 'envelope BPFO hit rate, outer race ≥ 0.80', measure: atLeast('generation.envelope_hit_rate_outer_race', 0.8), higherIsBetter: true },
  { target: 'generation metrics beating both noise controls ≥ 7', measure: generationBeats, higherIsBetter: true },
];

export function targetRows(report: Tree): TargetRow[] {
  return TARGETS.map((t) => {
    const m = t.measure(report);
    if (typeof m === 'string') return { target: t.target, value: null, needed: null, status: 'not measured', note: m };
    const met = t.strict ? (t.higherIsBetter ? m.value > m.needed : m.value < m.needed) : t.higherIsBetter ? m.value >= m.needed : m.value <= m.needed;
    const gap = Math.abs(m.value - m.needed);
    return { target: t.target, value: m.value, needed: m.needed, status: met ? 'met' : 'missed', note: met ? 'met' : `missed by ${Number.isInteger(gap) ? String(gap) : gap < 1e-3 ? gap.toExponential(2) : gap.toFixed(3)}` };
  });
}
