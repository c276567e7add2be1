#!/usr/bin/env -S node --heap-growing-percent=300
// mpm-serve: the SageMaker inference server for XGBoost models (see docs/serving.md).
// Runs the compiled server from dist/ (npm run build); in a checkout, `npm run serve` runs the TypeScript directly.
// The first line's Node flags are serving/node-flags.ts's (a test holds them equal).
let server;
try {
  server = await import('../dist/serving/server.js');
} catch (error) {
  if (error && error.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/serving/server.js')) {
    process.stderr.write('mpm-serve: dist/serving/server.js is missing; run `npm run build` first (or `npm run serve` in a checkout)\n');
    process.exit(1);
  }
  throw error;
}
await server.main(process.argv.slice(2));
