/**
 * StoreError: every problem a user can hit with the run history file.
 * The message is complete on its own (which file, what is wrong, what to do);
 * `file` is kept as a field so callers (CLI, UI) can show it separately.
 */
export class StoreError extends Error {
  readonly file: string;

  constructor(message: string, file: string, cause?: unknown) {
    super(message, cause !== undefined ? { cause } : undefined);
    this.name = 'StoreError';
    this.file = file;
  }
}

/** A run reference (id, prefix, 'last') that names no run: the user's input, not the file, is wrong. */
export class RunNotFoundError extends StoreError {
  constructor(message: string, file: string) {
    super(message, file);
    this.name = 'RunNotFoundError';
  }
}

/**
 * Turns SQLite's terse foreign-key failure into a message naming the run, so a host bug
 * (writing metrics before creating the run) reads clearly. Other errors pass through.
 */
export function explainWriteError(err: unknown, file: string, what: string, runId: string): never {
  const code = (err as { code?: string }).code;
  if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY') {
    throw new StoreError(`${what} not recorded in ${file}: there is no run with id '${runId}'. Create the run first.`, file, err);
  }
  if (code === 'SQLITE_READONLY') {
    throw new StoreError(`${what} not recorded: the run history ${file} was opened read-only.`, file, err);
  }
  throw err;
}
