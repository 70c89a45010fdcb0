/**
 * The FLOWBENCH_FAULTS grammar (fault injection for reliability tests): the host parses it
 * before recording a run, so a typo is bad input (exit 2), and the engine parses it into its
 * FaultPlan (engine/faults.ts). What each kind does is described there.
 */
export const FAULT_KINDS = [
  'nan',
  'inf-grad',
  'grad-explosion',
  'oom',
  'bad-batch',
  'crash',
  'crash-in-checkpoint',
  'corrupt-checkpoint',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface Fault {
  kind: FaultKind;
  step: number;
}

/** A malformed FLOWBENCH_FAULTS value (bad input: the CLI exits 2 before recording a run). */
export class FaultSpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FaultSpecError';
  }
}

/**
 * Parses a FLOWBENCH_FAULTS value (unset or empty: no faults). A malformed entry throws a
 * FaultSpecError that quotes the entry and lists the valid kinds, so a typo never silently
 * disables a test's fault.
 */
export function parseFaultSpec(spec: string | undefined | null): Fault[] {
  const faults: Fault[] = [];
  if (spec === undefined || spec === null) return faults;
  for (const raw of spec.split(',')) {
    const entry = raw.trim();
    if (entry === '') continue;
    const m = /^([a-z-]+)@step=(\d+)$/.exec(entry);
    if (!m) {
      throw new FaultSpecError(`FLOWBENCH_FAULTS: "${entry}" is not KIND@step=N (e.g. nan@step=120); valid kinds: ${FAULT_KINDS.join(', ')}`);
    }
    const kind = m[1] as FaultKind;
    if (!(FAULT_KINDS as readonly string[]).includes(kind)) {
      throw new FaultSpecError(`FLOWBENCH_FAULTS: unknown fault "${m[1]}" in "${entry}"; valid kinds: ${FAULT_KINDS.join(', ')}`);
    }
    const step = Number(m[2]);
    if (!Number.isSafeInteger(step) || step < 1) throw new FaultSpecError(`FLOWBENCH_FAULTS: step in "${entry}" must be an integer >= 1`);
    faults.push({ kind, step });
  }
  return faults;
}
