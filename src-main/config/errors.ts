/**
 * What config/ tells its callers: problems that stop a run (ConfigError, every issue at
 * once so a user fixes them in one pass) and warnings that do not (aliases, duplicate
 * keys, ignored reference keys). Each names where the value came from.
 */

/** One problem found while loading a RunSpec. */
export interface ConfigIssue {
  /** Dotted key path (`task.lr`, `data.channels[0]`); '' for the document as a whole. */
  path: string;
  /** What is wrong: the value received and what would be valid. */
  message: string;
  /** 1-based line in the config file, when the value came from it. */
  line?: number;
  /** Where the value came from: the config file's path, `--set task.lr=…`, `--seed`, `--data`, `--scale`. */
  source?: string;
}

/** Something the user should know that does not stop the run. */
export interface ConfigWarning {
  path: string;
  message: string;
  line?: number;
  source?: string;
}

/** `file:line: path: message`, the one format both errors and warnings print in. */
export function formatConfigIssue(issue: ConfigIssue | ConfigWarning): string {
  const where = issue.source ? `${issue.source}${issue.line !== undefined ? `:${issue.line}` : ''}: ` : '';
  const path = issue.path ? `${issue.path}: ` : '';
  return `${where}${path}${issue.message}`;
}

export class ConfigError extends Error {
  readonly issues: ConfigIssue[];
  /** Warnings gathered before loading stopped (e.g. a duplicated key next to the real error). */
  warnings: ConfigWarning[] = [];

  /** @param what the kind of file, for the heading ("run configuration", "pipeline configuration"). */
  constructor(issues: ConfigIssue[], what = 'run configuration') {
    const n = issues.length;
    const head = n === 1 ? `Invalid ${what}:` : `Invalid ${what} (${n} problems):`;
    super([head, ...issues.map((i) => `  - ${formatConfigIssue(i)}`)].join('\n'));
    this.name = 'ConfigError';
    this.issues = issues;
  }
}
