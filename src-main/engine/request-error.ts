/**
 * A job request the engine refuses as it stands (a label the checkpoint does not know, a
 * condition it was not trained on, an option out of range): bad input, like a DataError, so
 * its `finished` event carries `bad_input` and the CLI exits 2 with the message alone.
 */
export class RequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RequestError';
  }
}
