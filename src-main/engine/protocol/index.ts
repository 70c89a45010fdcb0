/** engine/protocol/: everything that crosses the engine–host process boundary, as zod schemas. */
export * from './events.js';
export * from './evaluation.js';
export * from './host-messages.js';
