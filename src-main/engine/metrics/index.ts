/** engine/metrics/: metric library for generation quality, downstream value and controls (issue 5). */
export { type Matrix, type Real, type ColumnStats, matrix, row, takeRows, concatRows, columnStats, standardizeWith, windowsOf } from './matrix.js';
export { fft, ifft, rfftPower, type Complex } from '../../data/fft.js';
export { mmd2, mmdPermutationTest, medianBandwidth, type MmdResult, type MmdTestResult } from './mmd.js';
export { conditionFeatures, windowMoments, featureColumn, defaultBands, BASE_FEATURES, type NamedFeatures, type ConditionFeatureOptions, type Moments } from './condition-features.js';
export { ks2samp, ksStatistic, columnKs, featureKs, KS_MAX_EXACT_N, type KsResult, type FeatureKs } from './ks.js';
export { kolmogorovSf, ksExactTwoSidedSf, smirnovSf } from './ks-distribution.js';
export { welch, meanWelchPsd, logSpectralDistance, setLogSpectralDistance, hannPeriodic, type Psd, type WelchOptions, type LsdOptions } from './welch.js';
export {
  analyticSignal, envelopeSpectrum, defectFrequencyHit, defectHitRate, defectTargetHz, defectKindForLabel,
  type EnvelopeOptions, type DefectHitOptions, type DefectHit, type DefectHitRate, type DefectKind, type Spectrum,
} from './envelope.js';
export { fitLogisticRegression, predict, predictProba, accuracy, type LogisticModel, type LogisticOptions } from './logistic-regression.js';
export { classifierTwoSampleTest, type C2stOptions, type C2stResult } from './c2st.js';
export { prototypicalEvaluation, type PrototypicalOptions, type PrototypicalResult } from './prototypical-accuracy.js';
export { auroc, knnAnomalyScore } from './auroc.js';
export { diversityRatio, meanPairwiseDistance, modeCoverage, kMeans, type ModeCoverage } from './diversity.js';
export { whiteNoiseControl, phaseRandomizedControl, realVsRealSplit, segmentGroups, type RealSplit } from './controls.js';
