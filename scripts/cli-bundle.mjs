/**
 * The CLI's built bundle: out/cli/flowbench.js (the CLI) and out/cli/engine.js (the engine
 * process it forks), each one esbuild bundle of the TypeScript sources with node_modules
 * left external. Node starts a bundle in ~0.3 s where tsx compiled ~90 sources at every
 * start (~8 s measured on the build machine).
 *
 * `npm install`/`npm ci` build it (the `prepare` script); bin/flowbench.js rebuilds it
 * when a source is newer than the last build, and falls back to tsx where it cannot.
 */
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.join(root, 'out', 'cli');
/** Written last by a build: the sources it read, and (by its mtime) when. */
const manifestPath = path.join(outDir, 'manifest.json');
export const cliBundle = path.join(outDir, 'flowbench.js');

const ENTRIES = [
  { in: 'src-main/cli.ts', out: 'flowbench.js' },
  { in: 'src-main/engine/process.ts', out: 'engine.js' },
];

/** True when a build exists and no source it read (nor this script) changed since. */
export function bundleIsFresh() {
  let built;
  let inputs;
  try {
    built = statSync(manifestPath).mtimeMs;
    inputs = JSON.parse(readFileSync(manifestPath, 'utf8')).inputs;
  } catch {
    return false;
  }
  for (const rel of [...inputs, 'scripts/cli-bundle.mjs']) {
    try {
      if (statSync(path.join(root, rel)).mtimeMs > built) return false;
    } catch {
      return false; // a source was deleted or renamed
    }
  }
  return true;
}

/** Builds both bundles; each file is written to a temp name and renamed, so concurrent starts never read half a file. */
export async function buildCliBundle() {
  const { build } = await import('esbuild');
  mkdirSync(outDir, { recursive: true });
  const inputs = new Set();
  for (const entry of ENTRIES) {
    const result = await build({
      entryPoints: [path.join(root, entry.in)],
      absWorkingDir: root,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      sourcemap: 'inline',
      metafile: true,
      write: false,
      logLevel: 'error',
    });
    for (const input of Object.keys(result.metafile.inputs)) inputs.add(input);
    const target = path.join(outDir, entry.out);
    const tmp = `${target}.${process.pid}.tmp`;
    writeFileSync(tmp, result.outputFiles[0].contents);
    renameSync(tmp, target);
  }
  const tmp = `${manifestPath}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify({ inputs: [...inputs].sort() }, null, 1) + '\n');
  renameSync(tmp, manifestPath);
}

/**
 * The bundle's URL, built or rebuilt first when needed; null when it cannot be built
 * (esbuild missing in a production install, a read-only package folder).
 */
export async function freshCliBundle() {
  if (!bundleIsFresh()) {
    try {
      await buildCliBundle();
    } catch (err) {
      if (process.env.FLOWBENCH_DEBUG) process.stderr.write(`flowbench: no CLI bundle (${err?.message ?? err}); running the sources with tsx\n`);
      return null;
    }
  }
  return pathToFileURL(cliBundle).href;
}

// `node scripts/cli-bundle.mjs` (npm's prepare script) builds unconditionally.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await buildCliBundle();
  process.stdout.write(`built ${path.relative(root, outDir)}/{flowbench,engine}.js\n`);
}
