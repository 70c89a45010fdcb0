/** config/: YAML → validated RunSpec, scale presets, spec identity. */
export * from './schema.js';
export { loadRunSpec, describeValue, type LoadRunSpecOptions, type LoadedRunSpec } from './load-config.js';
export { ConfigError, formatConfigIssue, type ConfigIssue, type ConfigWarning } from './errors.js';
export { SCALE_PRESETS, VALIDATION_SCALE_TO_SCALE, scalePreset, type ScalePreset } from './scale-presets.js';
export { canonicalJson, specHash } from './spec-hash.js';
export { pipelineSchema, type PipelineSpec } from './pipeline-schema.js';
export { loadPipelineSpec } from './load-pipeline.js';
export { dataSources, dataSourcePaths, mapDataSourcePaths, parseDataArg, type DataPath, type DataSourceEntry, type DataSourceSpec } from './data-sources.js';
