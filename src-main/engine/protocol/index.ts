/**
 * engine/protocol/: everything that crosses the engine–host process boundary (zod schemas of
 * messages and events, the FLOWBENCH_FAULTS grammar). The only engine module code outside
 * engine/ imports (lint:layers rule engine-surface).
 */
export * from './events.js';
export * from './evaluation.js';
export * from './host-messages.js';
export * from './faults.js';
