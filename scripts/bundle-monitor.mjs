/**
 * @module Bundles the monitor after tsc has compiled it (`npm run build`): `<out>/monitor/cli.js` becomes one ES
 * module holding the code the job command loads at start, with the code that only some runs need (suggest-baseline,
 * evaluate, rollup, history, Parquet, S3, CloudWatch, data quality ...) in chunks beside it, loaded when a run first
 * imports it, and the worker-thread entries (label-worker.js, scan-worker.js, parquet-encode-worker.js) beside them.
 * npm packages stay outside (node_modules).
 *
 * Why: start-up was mostly module loading. A model-quality run loaded about 210 of the project's modules one by one
 * (resolve, stat, read, compile, link each), about 0.1 s of CPU before the first capture byte; a bundle is a few
 * files. The rest of tsc's output stays where it was: the server's image copies three of its runtime modules, and
 * `tsx monitor/cli.ts` (tests, demo) runs the sources.
 *
 * Worker threads are started by a path next to the module that starts them (runtime/module-worker.ts): in the bundle
 * that module is a chunk in `<out>/monitor/`, so the worker entries are written there under the same names.
 *
 *   node scripts/bundle-monitor.mjs [out folder, default dist]
 */
import { build } from 'esbuild';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.resolve(ROOT, process.argv[2] ?? 'dist');

await build({
  absWorkingDir: ROOT,
  entryPoints: {
    cli: 'monitor/cli.ts',
    'label-worker': 'monitor/ground-truth/label-worker.ts',
    'scan-worker': 'monitor/scan/scan-worker.ts',
    'parquet-encode-worker': 'monitor/store/parquet-encode-worker.ts',
  },
  outdir: path.join(out, 'monitor'),
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  legalComments: 'none',
  logLevel: 'warning',
});
