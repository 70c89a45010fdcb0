/**
 * The API's method names and the IPC channels derived from them. Kept apart from
 * contract.ts (which pulls in zod) so the sandboxed preload bundle stays dependency-free.
 */
export const API_METHODS = [
  'listRuns', 'getRun', 'getMetrics',
  'previewData', 'resolveSpec', 'startRun', 'stopRun', 'pauseRun', 'continueRun', 'resumeRun', 'restartRun', 'activeRuns',
  'archiveRun', 'deleteRun', 'exportFigure', 'getEvaluationFigure',
  'listConfigs', 'estimateRun', 'getEvaluationScores', 'evaluateRun', 'sampleRun',
  'getRunProgress',
] as const;

export type ApiMethod = (typeof API_METHODS)[number];

/** One IPC channel per method, e.g. `flowbench:listRuns`. */
export function channelOf(method: ApiMethod): string {
  return `flowbench:${method}`;
}

/** Main → renderer channel carrying engine events of running jobs. */
export const RUN_EVENT_CHANNEL = 'flowbench:runEvent';

export function isApiMethod(name: string): name is ApiMethod {
  return (API_METHODS as readonly string[]).includes(name);
}
