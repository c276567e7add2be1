/**
 * @module The serving entry point: reads the settings, listens, loads the model, and shuts down gracefully on SIGTERM
 * (in-flight requests finish, capture files are flushed, then the process exits 0; past MPM_SHUTDOWN_TIMEOUT_SECONDS
 * the connections still open are closed, capture is flushed, and it exits 1).
 *
 *   mpm-serve [serve] [--port 8080] [--model-dir /opt/ml/model] [--capture-dir DIR] [--run-as-root]
 *   mpm-serve --version
 *
 * `serve` is what SageMaker passes (`docker run IMAGE serve`); flags override the environment variables of config.ts.
 */

import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import pino, { type Logger } from 'pino';
import { logDestination } from '../monitor/runtime/log-destination.ts';
import { packageVersion } from '../monitor/runtime/package-version.ts';
import { buildApp, type ModelSlot } from './app.ts';
import { CaptureWriter } from './capture/write-capture.ts';
import { loadConfig, type ServingConfig } from './config.ts';
import { ConfigError } from './errors.ts';
import { dropPrivileges, startupExitCode } from './drop-privileges.ts';
import { loadModel, type LoadedModel } from './model/load-model.ts';

/** A listening server. */
export interface RunningServer {
  /** `http://host:port` it listens on. */
  readonly url: string;
  /** Resolves once the model is loaded; rejects (after logging) when it cannot be. */
  readonly ready: Promise<LoadedModel>;
  /** Stops accepting connections, lets in-flight requests finish, flushes capture. */
  close(): Promise<void>;
  /**
   * Closes every connection still open (a request whose body never finishes arriving included: it was never
   * answered) and flushes capture, so every answered request's line is on disk. For a shutdown that timed out.
   */
  forceClose(): Promise<void>;
}

/** Listens first (so /ping can answer 503 while loading), then loads the model. */
export async function startServer(config: ServingConfig, logger: Logger): Promise<RunningServer> {
  const capture = config.capture
    ? new CaptureWriter({
        ...config.capture,
        onError: (err, file) => logger.error({ err, file }, 'capture: write failed; lines dropped'),
        onThreadFailure: (err) => logger.warn({ err }, 'capture: the escaping thread failed; escaping on the request thread from now on (no line lost)'),
      })
    : undefined;
  const slot: { current: LoadedModel | undefined } = { current: undefined };
  const app = buildApp({ model: slot satisfies ModelSlot, capture, loggerInstance: logger, requestTimeoutMs: config.requestTimeoutMs });
  const url = await app.listen({ port: config.port, host: config.host });
  logger.info({ url, modelDir: config.modelDir, capture: config.capture?.root ?? 'off', captureThread: config.capture?.escapeOnThread }, 'listening');
  // Say now, not at the first flush, when capture cannot write (the folder is created here when missing). Serving goes
  // on: each failed write is logged and its lines counted as dropped, and writes succeed once the folder is writable.
  capture?.checkWritable().catch((err: unknown) => {
    logger.error({ err, folder: capture.folder }, 'capture: the capture folder is not writable; captured lines will be dropped until it is');
  });
  const ready = loadModel(config.modelDir).then((loaded) => {
    slot.current = loaded;
    const { model } = loaded;
    logger.info(
      { path: loaded.path, format: loaded.format, objective: model.objective.name, features: model.numFeature, trees: model.treeRoot.length },
      'model loaded',
    );
    return loaded;
  });
  return {
    url,
    ready,
    async close() {
      await app.close();
      await capture?.close();
    },
    async forceClose() {
      app.server.closeAllConnections();
      await capture?.close();
    },
  };
}

/** After a shutdown timed out: how long the capture flush may take before the process exits anyway. */
const CAPTURE_FLUSH_GRACE_MS = 10_000;

const USAGE = `usage: mpm-serve [serve] [--port N] [--model-dir DIR] [--capture-dir DIR] [--run-as-root] [--version]
Serves an XGBoost model on the SageMaker inference contract (GET /ping, POST /invocations).
Environment: SAGEMAKER_BIND_TO_PORT, SM_MODEL_DIR, MPM_CAPTURE_DIR, MPM_ENDPOINT_NAME, MPM_VARIANT_NAME, MPM_RUN_AS_ROOT, ... (docs/serving.md)`;

/**
 * Parses argv over the environment into a config; throws ConfigError for bad arguments. A flag given twice with
 * different values is refused (node:util's parseArgs would keep the last without a word); the same value twice is
 * read once.
 */
export function configFromArgs(argv: readonly string[], env: Record<string, string | undefined>): ServingConfig | 'help' | 'version' {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      tokens: true,
      options: {
        port: { type: 'string' },
        'model-dir': { type: 'string' },
        'capture-dir': { type: 'string' },
        'run-as-root': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'V' },
      },
    });
  } catch (cause) {
    throw new ConfigError(`mpm-serve: ${(cause as Error).message}\n${USAGE}`, { cause });
  }
  const { values, positionals, tokens } = parsed;
  if (values.help) return 'help';
  if (values.version) return 'version';
  const given = new Map<string, string>();
  for (const token of tokens) {
    if (token.kind !== 'option' || token.value === undefined) continue;
    const earlier = given.get(token.name);
    if (earlier !== undefined && earlier !== token.value) {
      throw new ConfigError(`mpm-serve: --${token.name} is given twice with different values (${JSON.stringify(earlier)}, ${JSON.stringify(token.value)}); expected it once\n${USAGE}`);
    }
    given.set(token.name, token.value);
  }
  if (positionals.length > 1 || (positionals.length === 1 && positionals[0] !== 'serve')) {
    throw new ConfigError(`mpm-serve: unknown command ${JSON.stringify(positionals.join(' '))}; this image only serves ("serve")\n${USAGE}`);
  }
  return loadConfig({
    ...env,
    ...(values.port !== undefined ? { SAGEMAKER_BIND_TO_PORT: values.port } : {}),
    ...(values['model-dir'] !== undefined ? { SM_MODEL_DIR: values['model-dir'] } : {}),
    ...(values['capture-dir'] !== undefined ? { MPM_CAPTURE_DIR: values['capture-dir'] } : {}),
    ...(values['run-as-root'] ? { MPM_RUN_AS_ROOT: 'true' } : {}),
  });
}

/** Runs the server until SIGTERM/SIGINT; exits 1 when the config is bad or the model cannot be loaded. */
export async function main(argv: readonly string[] = process.argv.slice(2), env = process.env): Promise<void> {
  let config: ServingConfig | 'help' | 'version';
  try {
    config = configFromArgs(argv, env);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(2);
  }
  if (config === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (config === 'version') {
    process.stdout.write(`${packageVersion()}\n`);
    return;
  }
  // A synchronous destination: the last lines before process.exit() are not lost.
  const logger = pino({ level: config.logLevel, name: 'mpm-serve' }, logDestination(1));
  // In the images: make the capture folder writable for the image user and drop root, before listening.
  await dropPrivileges(config, logger, env).catch((error: unknown) => {
    logger.fatal({ err: error }, (error as Error).message);
    process.exit(startupExitCode(error));
  });
  const server = await startServer(config, logger);
  let stopping = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing in-flight requests');
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      logger.error({ timeoutMs: config.shutdownTimeoutMs }, 'shutdown timed out: closing the connections still open, flushing capture, exiting 1');
      // The flush is bounded too: a disk that no longer answers must not hold the exit.
      setTimeout(() => process.exit(1), CAPTURE_FLUSH_GRACE_MS).unref();
      server.forceClose().then(
        () => process.exit(1),
        (err: unknown) => {
          logger.error({ err }, 'capture could not be flushed');
          process.exit(1);
        },
      );
    }, config.shutdownTimeoutMs);
    timer.unref();
    try {
      await server.close();
      logger.info('stopped');
      process.exit(timedOut ? 1 : 0);
    } catch (err) {
      logger.error({ err }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  server.ready.catch(async (err) => {
    logger.fatal({ err }, 'model could not be loaded; exiting');
    await server.close().catch(() => {});
    process.exit(1);
  });
}

function isMainModule(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(entry)).href;
  } catch {
    return false;
  }
}

if (isMainModule()) void main();
