/**
 * One config, three processes (electron-vite): main (src-main/index.ts, plus the engine
 * entry src-main/engine/process.ts that main starts in a utilityProcess), the sandboxed
 * preload (src-preload/index.ts) and the Vue renderer (src-renderer). Everything builds
 * into out/{main,preload,renderer} (electron-vite's defaults; `--outDir` moves all three).
 */
import { resolve } from 'node:path';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'electron-vite';

const root = import.meta.dirname;

/**
 * Native addons and wasm-loading packages must stay real node_modules files at run time
 * (electron-builder unpacks them from the asar), so main never bundles them.
 */
const NATIVE_EXTERNAL = ['better-sqlite3', 'h5wasm', /^h5wasm\//, /^@tensorflow\//];

export default defineConfig({
  main: {
    build: {
      externalizeDeps: true,
      // Two entries: the app (index.js) and the engine a utilityProcess runs (engine.js).
      lib: {
        entry: { index: resolve(root, 'src-main/index.ts'), engine: resolve(root, 'src-main/engine/process.ts') },
        formats: ['es'],
        fileName: (_format, name) => `${name}.js`,
      },
      rolldownOptions: { external: NATIVE_EXTERNAL },
    },
  },
  preload: {
    build: {
      // A sandboxed preload cannot require() packages: bundle everything but electron,
      // and emit CommonJS (sandboxed preloads cannot be ES modules).
      externalizeDeps: false,
      lib: { entry: resolve(root, 'src-preload/index.ts'), formats: ['cjs'], fileName: () => 'index.cjs' },
    },
  },
  renderer: {
    root: resolve(root, 'src-renderer'),
    build: {
      rolldownOptions: { input: resolve(root, 'src-renderer/index.html') },
    },
    plugins: [vue()],
  },
});
