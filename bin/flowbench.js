#!/usr/bin/env node
// Starts the CLI from its esbuild bundle (out/cli/, built by `npm install` and rebuilt here
// when a source changed) instead of compiling the TypeScript sources with tsx at every
// start; where no bundle can be built, or FLOWBENCH_CLI_FROM_SOURCES=1 asks for it, the
// sources run under tsx as before.
import { freshCliBundle } from '../scripts/cli-bundle.mjs';

const bundle = process.env.FLOWBENCH_CLI_FROM_SOURCES === '1' ? null : await freshCliBundle();
if (bundle) {
  await import(bundle);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src-main/cli.ts');
}
