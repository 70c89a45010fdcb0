/** data/: the public API other layers use (docs/INTERFACES.md, "data/"). */
export { openDataSource, type OpenDataSourceOptions } from './data-source.js';
export type { DatasetSelection } from './select-datasets.js';
export { prepareWindows } from './prepare-windows.js';
export { validateWindows, type WindowValidation } from './batch-validation.js';
export { inspectPath, type InspectReport, type FileInspectReport, type DatasetInspectReport, type ChannelSummary } from './inspect.js';
export { writeWindowsCsv, writeWindowsH5 } from './writers.js';
export { DataError } from './errors.js';
export { readSignalFile } from './readers/signal-file.js';
export type {
  DataSource,
  DataSourceKind,
  PreparedData,
  PreparedFile,
  Signal,
  SignalRecord,
  SkipReason,
  SplitName,
  WindowSet,
} from './types.js';
export { readManifest, MANIFEST_REQUIRED, MANIFEST_NAME } from './manifest.js';
export { readPhmVibench } from './phm-vibench.js';
export { catalogRecords, detectLayout, CATALOG_LAYOUTS, type CatalogLayout } from './catalog.js';
export { bearingOfChannel, defectFrequencies, defectMultipliers, SKF_6205, SKF_6203, type BearingGeometry } from './bearing-geometry.js';
export { generateBearingSignal, syntheticRecords, SYNTHETIC_CLASSES } from './synthetic-bearing.js';
