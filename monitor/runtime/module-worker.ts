/**
 * @module Starts a worker thread on one of the monitor's modules, from the built .js files or, under tsx (the .ts
 * sources, as the tests run), through tsx's loader registered before the module is imported.
 */
import { Worker } from 'node:worker_threads';

/**
 * A worker running the module `name` (a path relative to `base`, without extension, e.g. './scan-worker') next to
 * the module whose import.meta.url is `base`; `workerData` is handed to it as worker_threads' workerData.
 */
export function startModuleWorker(base: string, name: string, workerData?: unknown): Worker {
  const source = base.endsWith('.ts');
  const url = new URL(`${name}.${source ? 'ts' : 'js'}`, base);
  if (!source) return new Worker(url, { workerData });
  const api = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(url.href)}); })`;
  return new Worker(boot, { eval: true, workerData });
}
