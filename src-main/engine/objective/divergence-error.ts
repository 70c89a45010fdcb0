/**
 * Training diverged: a non-finite loss (the objective refuses it) or a rollback budget spent
 * (the stability guard gives up). A type of its own so the loop's recovery tells it apart
 * from every other failure by class, not by the wording of its message.
 */
export class DivergenceError extends Error {
  override readonly name = 'DivergenceError';
}
