/**
 * The import-direction rule (STYLE.md rule 1) and no import cycles, checked by
 * dependency-cruiser (`npm run lint:layers`, run in .ci/run):
 *   renderer → contract ← host → {config, data, store}; engine → {data, config};
 *   host ↔ engine by messages only (engine/protocol/index.ts is the one engine module
 *   outside code imports); contract → engine/protocol/{events,evaluation}.ts (the
 *   shared schemas, zod only).
 * Each rule's comment is the sentence a developer reads when they break it.
 */
const ENGINE = '^src-main/engine/';
const DATA = '^src-main/data/';
const CONFIG = '^src-main/config/';
const STORE = '^src-main/store/';
const HOST = '^src-main/host/';
const ENTRY = '^src-main/(index|cli)\\.ts$';
const MAIN = '^src-main/';
const CONTRACT = '^src-preload/(contract|methods)\\.ts$';
const PRELOAD = '^src-preload/(?!(contract|methods)\\.ts$)'; // the preload proper, not the contract beside it
const RENDERER = '^src-renderer/';
/** The protocol files the contract imports (so the renderer does): zod only. */
const SHARED_PROTOCOL = '^src-main/engine/protocol/(events|evaluation)\\.ts$';
const ELECTRON = '(^|node_modules/)electron(/|$)';
const SQLITE = '(^|node_modules/)better-sqlite3(/|$)';
const VUE = '(^|node_modules/)(vue|pinia|vue-router|@vue/[^/]+|@vitejs/plugin-vue|plotly\\.js(-dist)?(-min)?)(/|$)';

/** A forbidden rule: imports from `from` to any of `to` (paths) or Node built-ins (`core`). */
function forbid(name, from, to, comment, { core = false, pathNot } = {}) {
  const rules = [{ name, comment, severity: 'error', from: { path: from, ...(pathNot ? { pathNot } : {}) }, to: { path: to.join('|') } }];
  if (core) rules.push({ name: `${name}-node`, comment, severity: 'error', from: { path: from }, to: { dependencyTypes: ['core'] } });
  return rules;
}

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'an import cycle: modules that need each other are one concept split in two, or a shape declared on the wrong side; move the shared part down',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    ...forbid('engine-layer', ENGINE, [HOST, STORE, ENTRY, PRELOAD, RENDERER, ELECTRON, SQLITE, VUE],
      'the engine runs in its own process and talks to the host by messages only: it may import engine, data and config, never host, store, Electron, SQLite or UI code'),
    ...forbid('data-layer', DATA, [HOST, STORE, ENGINE, ENTRY, PRELOAD, RENDERER, ELECTRON, SQLITE, VUE],
      'data/ is shared by the engine and the host: it may import data and config only, never host, store, engine, Electron or SQLite'),
    ...forbid('config-layer', CONFIG, [HOST, STORE, ENGINE, ENTRY, PRELOAD, RENDERER, ELECTRON, SQLITE, VUE],
      'config/ sits at the bottom with data/: it may import config and data only, never host, store, engine, Electron or SQLite'),
    ...forbid('store-layer', STORE, [ENGINE, HOST, ENTRY, PRELOAD, RENDERER, ELECTRON, VUE],
      'store/ is used by the host only: it may import config and data types, never engine, host or Electron'),
    ...forbid('host-layer', HOST, [RENDERER, VUE], 'host/ serves the UI through the contract; it never imports renderer code'),
    ...forbid('engine-surface', '^src-main/(?!engine/)', ['^src-main/engine/(?!protocol/index\\.ts$)'],
      'outside engine/, code reaches the engine through its public surface only: engine/protocol/index.ts (messages, events, the FLOWBENCH_FAULTS grammar); the rest is the engine process\'s own'),
    ...forbid('sql-in-store', '^src-main/(?!store/)', [SQLITE, '^src-main/store/(connection|database)\\.ts$'],
      'SQL lives in store/ only: use or add a repository method (store/*-repo.ts), never better-sqlite3 or the store\'s connection (store/connection.ts, database.ts) elsewhere'),
    ...forbid('entry-layer', ENTRY, [RENDERER, VUE], 'the Electron/CLI entries compose host and the layers below; they never import renderer code'),
    ...forbid('renderer-layer', RENDERER, [MAIN, PRELOAD, ELECTRON, SQLITE],
      'the renderer is a web page: it reaches the host only through src-preload/contract.ts, never src-main, Node modules or Electron',
      { core: true }),
    ...forbid('preload-layer', PRELOAD, [MAIN, RENDERER, SQLITE],
      'the preload only bridges the contract to IPC: it never imports src-main or renderer code'),
    ...forbid('contract-layer', CONTRACT, ['^src-main/(?!engine/protocol/(events|evaluation)\\.ts$|config/enums\\.ts$)', PRELOAD, RENDERER, ELECTRON, SQLITE, VUE],
      'the contract is platform-neutral (the renderer and the host both import it): zod, itself, config/enums.ts and the engine protocol\'s event and evaluation schemas only',
      { core: true }),
    ...forbid('protocol-neutral', SHARED_PROTOCOL, ['^src-main/(?!engine/protocol/|config/enums\\.ts$)', PRELOAD, RENDERER, ELECTRON, SQLITE, VUE],
      'engine/protocol/events.ts and evaluation.ts reach the renderer through the contract: zod, each other and config/enums.ts only',
      { core: true }),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|out|dist)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.node.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.mts', '.js', '.mjs', '.vue', '.json'] },
  },
};
