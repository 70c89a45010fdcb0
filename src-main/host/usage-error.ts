/**
 * Bad input to a host job (an option value, a run that cannot do what was asked): the CLI
 * answers exit 2 with the message; nothing was started or recorded.
 */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
