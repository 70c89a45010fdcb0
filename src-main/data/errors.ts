/**
 * DataError: every problem a user can hit while reading or writing signal data.
 * The message is complete on its own (what is wrong, where, what would be valid);
 * `file`, `key` and `value` are kept as fields so callers (CLI, UI) can highlight them.
 */
export class DataError extends Error {
  readonly file?: string;
  readonly key?: string;
  readonly value?: unknown;

  constructor(message: string, info?: { file?: string; key?: string; value?: unknown; cause?: unknown }) {
    super(message, info?.cause !== undefined ? { cause: info.cause } : undefined);
    this.name = 'DataError';
    if (info?.file !== undefined) this.file = info.file;
    if (info?.key !== undefined) this.key = info.key;
    if (info?.value !== undefined) this.value = info.value;
  }
}

/** Short, printable list of names for error messages ("a, b, c … (+12 more)"). */
export function listNames(names: readonly string[], max = 20): string {
  if (names.length === 0) return '(none)';
  const shown = names.slice(0, max).join(', ');
  return names.length > max ? `${shown} … (+${names.length - max} more)` : shown;
}
