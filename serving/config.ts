/**
 * @module The server's settings, from environment variables (SageMaker's and mpm's own), validated by one zod schema.
 * Every problem is reported at once, with the variable's name.
 */

import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { DECIMAL } from '../monitor/runtime/decimal.ts';
import { ConfigError } from './errors.ts';

/**
 * A number written in decimal, spaces around it ignored. z.coerce.number took "0x1F90" for 8080 and "  " for 0 (a
 * port of 0, a flush interval of 0), silently.
 */
const decimal = (number: z.ZodNumber) =>
  z
    .string()
    .trim()
    .regex(DECIMAL, 'expected a decimal number')
    .transform(Number)
    .pipe(number);
const integer = (min: number, max: number) => decimal(z.number().int().min(min).max(max));
const list = z
  .string()
  .transform((s) => s.split(',').map((t) => t.trim().toLowerCase()).filter(Boolean));

const EnvSchema = z.object({
  SAGEMAKER_BIND_TO_PORT: integer(0, 65535).default(8080),
  MPM_BIND_HOST: z.string().min(1).default('0.0.0.0'),
  SM_MODEL_DIR: z.string().min(1).default('/opt/ml/model'),
  MPM_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  MPM_SHUTDOWN_TIMEOUT_SECONDS: decimal(z.number().positive()).default(30),
  // Time for a request's headers and body to arrive (then 408); SageMaker's own invocation timeout is 60 s.
  MPM_REQUEST_TIMEOUT_SECONDS: decimal(z.number().min(1).max(3600)).default(60),
  MPM_CAPTURE_DIR: z.string().min(1).optional(),
  MPM_ENDPOINT_NAME: z.string().regex(/^[a-zA-Z0-9](-*[a-zA-Z0-9])*$/, 'must be a SageMaker endpoint name (letters, digits, hyphens)').default('local-endpoint'),
  MPM_VARIANT_NAME: z.string().regex(/^[a-zA-Z0-9](-*[a-zA-Z0-9])*$/, 'must be a SageMaker variant name (letters, digits, hyphens)').default('AllTraffic'),
  MPM_CAPTURE_SAMPLING_PERCENTAGE: decimal(z.number().min(0).max(100)).default(100),
  MPM_CAPTURE_ROTATE_SECONDS: decimal(z.number().positive()).default(60),
  MPM_CAPTURE_ROTATE_BYTES: integer(1, 2 ** 40).default(16 * 1024 * 1024),
  MPM_CAPTURE_FLUSH_MS: integer(0, 3_600_000).default(1000),
  MPM_CAPTURE_JSON_CONTENT_TYPES: list.default(['application/json']),
  MPM_CAPTURE_CSV_CONTENT_TYPES: list.default(['text/csv']),
  // Escape the captured bodies on a thread of their own (auto: when the machine has more than one CPU).
  MPM_CAPTURE_THREAD: z
    .string()
    .transform((s) => s.trim().toLowerCase())
    .pipe(z.enum(['auto', 'true', 'false'], { message: 'expected auto, true or false' }))
    .default('auto'),
  // The images start as root and drop to their unprivileged user once the capture folder is writable for it
  // (docs/containers.md); true keeps root, for platforms that need it.
  MPM_RUN_AS_ROOT: z
    .string()
    .transform((s) => s.trim().toLowerCase())
    .pipe(z.enum(['true', 'false'], { message: 'expected true or false' }))
    .transform((s) => s === 'true')
    .default(false),
});

/** Validated server settings. */
export interface ServingConfig {
  readonly port: number;
  readonly host: string;
  readonly modelDir: string;
  readonly logLevel: string;
  readonly shutdownTimeoutMs: number;
  /** MPM_REQUEST_TIMEOUT_SECONDS in ms: a request's headers and body must arrive within it. */
  readonly requestTimeoutMs: number;
  /** In the images: keep root instead of dropping to the image user (MPM_RUN_AS_ROOT, default false). */
  readonly runAsRoot: boolean;
  /** Present when capture is enabled (MPM_CAPTURE_DIR is set). */
  readonly capture?: {
    readonly root: string;
    readonly endpointName: string;
    readonly variantName: string;
    readonly samplingPercentage: number;
    readonly rotateAgeMs: number;
    readonly rotateBytes: number;
    readonly flushIntervalMs: number;
    readonly contentTypes: { readonly json: readonly string[]; readonly csv: readonly string[] };
    /** MPM_CAPTURE_THREAD: escape the bodies on a thread of their own (auto: more than one CPU available). */
    readonly escapeOnThread: boolean;
  };
}

/** Reads the settings from an environment (process.env by default); throws ConfigError listing every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): ServingConfig {
  // A blank variable (empty or only spaces) is unset, as in the monitor.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''));
  const parsed = EnvSchema.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}=${JSON.stringify(present[String(i.path[0])] ?? '')}: ${i.message}`);
    throw new ConfigError(`config: invalid environment: ${problems.join('; ')}`);
  }
  const e = parsed.data;
  return {
    port: e.SAGEMAKER_BIND_TO_PORT,
    host: e.MPM_BIND_HOST,
    modelDir: e.SM_MODEL_DIR,
    logLevel: e.MPM_LOG_LEVEL,
    shutdownTimeoutMs: e.MPM_SHUTDOWN_TIMEOUT_SECONDS * 1000,
    requestTimeoutMs: e.MPM_REQUEST_TIMEOUT_SECONDS * 1000,
    runAsRoot: e.MPM_RUN_AS_ROOT,
    ...(e.MPM_CAPTURE_DIR
      ? {
          capture: {
            root: e.MPM_CAPTURE_DIR,
            endpointName: e.MPM_ENDPOINT_NAME,
            variantName: e.MPM_VARIANT_NAME,
            samplingPercentage: e.MPM_CAPTURE_SAMPLING_PERCENTAGE,
            rotateAgeMs: e.MPM_CAPTURE_ROTATE_SECONDS * 1000,
            rotateBytes: e.MPM_CAPTURE_ROTATE_BYTES,
            flushIntervalMs: e.MPM_CAPTURE_FLUSH_MS,
            contentTypes: { json: e.MPM_CAPTURE_JSON_CONTENT_TYPES, csv: e.MPM_CAPTURE_CSV_CONTENT_TYPES },
            escapeOnThread: e.MPM_CAPTURE_THREAD === 'auto' ? availableParallelism() > 1 : e.MPM_CAPTURE_THREAD === 'true',
          },
        }
      : {}),
  };
}
