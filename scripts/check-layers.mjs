#!/usr/bin/env node
/**
 * The import-direction rule (STYLE.md rule 1), checked by a machine:
 *   renderer → contract ← host → {config, data, store}; engine → {data, config};
 *   host ↔ engine by messages only.
 * Scans every .ts/.mts/.vue file under the src-* folders for static, dynamic and require()
 * import specifiers and exits 1 listing file:line and the rule each wrong arrow breaks.
 *
 * Usage: node scripts/check-layers.mjs [rootDir]   (default: the repository root)
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SOURCE_EXT = new Set(['.ts', '.mts', '.cts', '.vue']);
const SKIP_DIRS = new Set(['node_modules', 'out', 'dist', '.git']);
const BUILTINS = new Set(builtinModules);
const VUE_PACKAGES = /^(vue|pinia|vue-router|@vue\/[^/]+|@vitejs\/plugin-vue|plotly\.js(-dist)?(-min)?)(\/|$)/;

/**
 * Each rule: which layer it constrains, the target kinds it forbids, and the sentence a
 * developer reads when they break it. Target kinds: a layer name (below) or one of
 * electron, sqlite, vue, node (built-in modules).
 */
const RULES = [
  {
    from: 'engine',
    forbid: ['host', 'store', 'entry', 'preload', 'contract', 'renderer', 'electron', 'sqlite', 'vue'],
    why: 'the engine runs in its own process and talks to the host by messages only: it may import engine, data and config, never host, store, Electron, SQLite or UI code',
  },
  {
    from: 'data',
    forbid: ['host', 'store', 'engine', 'entry', 'preload', 'contract', 'renderer', 'electron', 'sqlite', 'vue'],
    why: 'data/ is shared by the engine and the host: it may import data and config only, never host, store, engine, Electron or SQLite',
  },
  {
    from: 'config',
    forbid: ['host', 'store', 'engine', 'entry', 'preload', 'contract', 'renderer', 'electron', 'sqlite', 'vue'],
    why: 'config/ sits at the bottom with data/: it may import config and data only, never host, store, engine, Electron or SQLite',
  },
  {
    from: 'store',
    forbid: ['engine', 'host', 'entry', 'preload', 'contract', 'renderer', 'electron', 'vue'],
    why: 'store/ is used by the host only: it may import config and data types, never engine, host or Electron',
  },
  {
    from: 'host',
    forbid: ['renderer', 'vue'],
    why: 'host/ serves the UI through the contract; it never imports renderer code',
  },
  {
    from: 'entry',
    forbid: ['renderer', 'vue'],
    why: 'the Electron/CLI entries compose host and the layers below; they never import renderer code',
  },
  {
    from: 'renderer',
    forbid: ['main', 'host', 'store', 'engine', 'data', 'config', 'entry', 'preload', 'electron', 'sqlite', 'node'],
    why: 'the renderer is a web page: it reaches the host only through src-preload/contract.ts, never src-main, Node modules or Electron',
  },
  {
    from: 'preload',
    forbid: ['main', 'host', 'store', 'engine', 'data', 'config', 'entry', 'renderer', 'sqlite'],
    why: 'the preload only bridges the contract to IPC: it never imports src-main or renderer code',
  },
  {
    from: 'contract',
    forbid: ['main', 'host', 'store', 'engine', 'data', 'config', 'entry', 'preload', 'renderer', 'electron', 'sqlite', 'node', 'vue'],
    why: 'the contract is platform-neutral (the renderer and the host both import it): zod and itself only',
  },
];

/** Layer of a file inside the tree, by its path relative to the root (posix separators). */
export function layerOf(rel) {
  if (rel === 'src-main/index.ts' || rel === 'src-main/cli.ts') return 'entry';
  const m = /^src-main\/(engine|data|config|store|host)\//.exec(rel);
  if (m) return m[1];
  if (rel.startsWith('src-main/')) return 'main';
  if (/^src-preload\/(contract|methods)\.ts$/.test(rel)) return 'contract';
  if (rel.startsWith('src-preload/')) return 'preload';
  if (rel.startsWith('src-renderer/')) return 'renderer';
  return 'other';
}

/** Kind of an import target: a layer for relative paths, a package kind for bare ones. */
function targetKind(spec, fromFile, root) {
  if (spec.startsWith('.') || spec.startsWith('/')) {
    const abs = path.resolve(path.dirname(fromFile), spec);
    const rel = path.relative(root, abs).split(path.sep).join('/');
    // src-main/index.js → src-main/index.ts: compare without the extension.
    const layer = layerOf(rel.replace(/\.(js|mjs|cjs)$/, '.ts'));
    return layer === 'other' ? null : layer;
  }
  if (spec.startsWith('node:') || BUILTINS.has(spec.split('/')[0])) return 'node';
  if (spec === 'electron' || spec.startsWith('electron/')) return 'electron';
  if (spec === 'better-sqlite3' || spec.startsWith('better-sqlite3/')) return 'sqlite';
  if (VUE_PACKAGES.test(spec)) return 'vue';
  return null;
}

/** Blanks comments (keeping newlines) so an import inside a comment is not counted. */
function stripComments(text) {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' '))
    .replace(/(^|[^:'"`\\])\/\/[^\n]*/g, (c, lead) => lead + ' '.repeat(c.length - lead.length));
}

const IMPORT_PATTERNS = [
  /\b(?:import|export)\s+(?:type\s+)?[^'"`;()]*?\bfrom\s*(['"])([^'"\n]+)\1/g, // import x from 'y'
  /\bimport\s*(['"])([^'"\n]+)\1/g, // import 'y'
  /\bimport\s*\(\s*(['"`])([^'"`\n]+)\1\s*[,)]/g, // import('y')
  /\brequire\s*\(\s*(['"])([^'"\n]+)\1\s*\)/g, // require('y')
];

/** Every import specifier in a source text, with its 1-based line. */
export function importsOf(text) {
  const code = stripComments(text);
  const found = new Map();
  for (const re of IMPORT_PATTERNS) {
    for (const m of code.matchAll(re)) {
      const at = m.index + m[0].lastIndexOf(m[2]);
      const line = code.slice(0, at).split('\n').length;
      found.set(`${line}:${m[2]}`, { line, spec: m[2] });
    }
  }
  return [...found.values()].sort((a, b) => a.line - b.line);
}

function* sourceFiles(dir) {
  for (const name of readdirSync(dir)) {
    if (SKIP_DIRS.has(name)) continue;
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) yield* sourceFiles(full);
    else if (SOURCE_EXT.has(path.extname(name)) && !name.endsWith('.d.ts')) yield full;
  }
}

/** Checks every src-* folder under root; returns the violations found. */
export function checkLayers(root) {
  const violations = [];
  const tops = readdirSync(root).filter((n) => n.startsWith('src-') && statSync(path.join(root, n)).isDirectory());
  for (const top of tops) {
    for (const file of sourceFiles(path.join(root, top))) {
      const rel = path.relative(root, file).split(path.sep).join('/');
      const from = layerOf(rel);
      const rules = RULES.filter((r) => r.from === from);
      if (rules.length === 0) continue;
      for (const { line, spec } of importsOf(readFileSync(file, 'utf8'))) {
        const kind = targetKind(spec, file, root);
        if (kind === null || kind === from) continue;
        for (const rule of rules) {
          if (rule.forbid.includes(kind)) violations.push({ file: rel, line, spec, from, to: kind, why: rule.why });
        }
      }
    }
  }
  return violations;
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const defaultRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const root = path.resolve(process.argv[2] ?? defaultRoot);
  const violations = checkLayers(root);
  if (violations.length === 0) {
    console.log(`check-layers: ok (${root})`);
  } else {
    for (const v of violations) {
      console.error(`${v.file}:${v.line}: ${v.from} must not import ${v.to} ('${v.spec}') — ${v.why}`);
    }
    console.error(`check-layers: ${violations.length} wrong import${violations.length === 1 ? '' : 's'} (STYLE.md rule 1)`);
    process.exit(1);
  }
}
