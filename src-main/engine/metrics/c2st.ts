/**
 * Classifier two-sample test (Lopez-Paz & Oquab 2017): if a classifier cannot tell real
 * from generated better than chance on held-out data, the generator matches the real
 * distribution as far as that classifier can see. 0.5 accuracy is perfect, 1.0 is a
 * generator anyone can spot.
 */
import { Rng } from '../../data/rng.js';
import { fitLogisticRegression, predict, type LogisticOptions } from './logistic-regression.js';
import { type Matrix, checkMatrix, concatRows, takeRows } from './matrix.js';
import { binomialUpperTail } from './special.js';

export interface C2stOptions extends LogisticOptions {
  /** Cross-validation folds (default 5). */
  folds?: number;
  seed?: number;
}

export interface C2stResult {
  /** Held-out accuracy over all folds (correct / (n_real + n_generated)). */
  accuracy: number;
  /** One-sided binomial p-value P(Binom(N, ½) ≥ correct): small = distinguishable. */
  pValue: number;
  correct: number;
  total: number;
  folds: number;
}

/**
 * C2ST of real [m, d] vs generated [n, d] feature rows (condition features or
 * standardised windows): logistic regression (standardised inside each training fold),
 * stratified k-fold with a seeded shuffle, every row predicted once by the model that did
 * not see it. Under H0 each prediction is right with probability ½ (for balanced sets),
 * so the correct count is Binomial(N, ½).
 */
export function classifierTwoSampleTest(real: Matrix, generated: Matrix, opts: C2stOptions = {}): C2stResult {
  checkMatrix(real, 'c2st real', 2);
  checkMatrix(generated, 'c2st generated', 2);
  if (real.d !== generated.d) throw new RangeError(`c2st: real and generated have different dimensions (${real.d} vs ${generated.d})`);
  const folds = opts.folds ?? 5;
  if (!Number.isInteger(folds) || folds < 2 || folds > Math.min(real.n, generated.n)) {
    throw new RangeError(`c2st: folds must be an integer in [2, min(n_real, n_generated) = ${Math.min(real.n, generated.n)}], got ${folds}`);
  }
  const X = concatRows(real, generated);
  const y = new Int32Array(X.n);
  y.fill(1, real.n);
  // Stratified folds: shuffle each class, deal its rows round-robin into the folds.
  const rng = Rng.derive(opts.seed ?? 0, 'c2st-folds');
  const fold = new Int32Array(X.n);
  for (const [start, count] of [[0, real.n], [real.n, generated.n]]) {
    const order = rng.permutation(count);
    for (let k = 0; k < count; k++) fold[start + order[k]] = k % folds;
  }
  let correct = 0;
  for (let f = 0; f < folds; f++) {
    const train: number[] = [], test: number[] = [];
    for (let i = 0; i < X.n; i++) (fold[i] === f ? test : train).push(i);
    const model = fitLogisticRegression(takeRows(X, train), train.map((i) => y[i]), opts);
    const pred = predict(model, takeRows(X, test));
    for (let k = 0; k < test.length; k++) if (pred[k] === y[test[k]]) correct++;
  }
  return { accuracy: correct / X.n, pValue: binomialUpperTail(correct, X.n, 0.5), correct, total: X.n, folds };
}
