/**
 * @module The frame every AWS script shares: yargs parsing with the common flags (--region, --profile,
 * --endpoint-url, --dry-run), --help, error-to-exit-code mapping, and the dry-run printer. A script supplies its own
 * flags and a `run` function; `defineScript` returns `main(argv, io)`, which tests call in-process.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import yargs, { type InferredOptionTypes, type Options } from 'yargs';
import { operationName, type ApiCall } from './api-call.ts';
import { connectAws, regionFromFlagsOrEnv, type AwsClients } from './aws-clients.ts';
import { ScriptError, UsageError } from './errors.ts';
import { processIo, type ScriptIo } from './script-io.ts';
import { DECIMAL } from '../../../monitor/runtime/decimal.ts';

/** Flags every script accepts. */
export const COMMON_OPTIONS = {
  region: {
    type: 'string',
    group: 'AWS:',
    describe: 'AWS region (default: AWS_REGION, then AWS_DEFAULT_REGION, then the profile\'s region)',
  },
  profile: { type: 'string', group: 'AWS:', describe: 'Named profile of ~/.aws/config (default: AWS_PROFILE)' },
  'endpoint-url': {
    type: 'string',
    group: 'AWS:',
    describe: 'Send every request to this URL instead of AWS (tests, emulators); S3 then uses path-style URLs',
  },
  'dry-run': {
    type: 'boolean',
    default: false,
    group: 'AWS:',
    describe: 'Print the exact API requests as JSON and send nothing; needs no credentials',
  },
} as const satisfies Record<string, Options>;

type CommonArgs = InferredOptionTypes<typeof COMMON_OPTIONS>;

/** What a script's `run` gets besides its parsed flags. */
export interface ScriptContext {
  io: ScriptIo;
  /** True with --dry-run: build the requests, call `printPlan`, send nothing. */
  dryRun: boolean;
  /** Progress line on stderr. */
  log(message: string): void;
  /** A value as pretty JSON on stdout. */
  printJson(value: unknown): void;
  /** Prints the dry-run document: the requests in order, each as service, operation and input. */
  printPlan(calls: readonly ApiCall[], notes?: Record<string, unknown>): void;
  /** Resolves region and credentials (failing clearly when either is missing), then returns the clients. */
  connect(): Promise<AwsClients>;
}

/** What a script declares: its name, help text, flags and the work it does. */
export interface ScriptSpec<O extends Record<string, Options>> {
  /** Script name as shown in usage and messages, e.g. "deploy-endpoint". */
  name: string;
  /** One paragraph for --help. */
  summary: string;
  options: O;
  examples?: ReadonlyArray<readonly [command: string, description: string]>;
  run(args: InferredOptionTypes<O> & CommonArgs, ctx: ScriptContext): Promise<number | void>;
}

/** Entry function of a script: parses argv, runs, and returns the exit code (0 ok, 2 usage, 3 AWS setup, 4 API). */
export type ScriptMain = (argv: readonly string[], io?: ScriptIo) => Promise<number>;

/** Builds a script's main function from its flags and its run function. */
export function defineScript<O extends Record<string, Options>>(spec: ScriptSpec<O>): ScriptMain {
  return async (argv, io = processIo) => {
    const parsed = await parseArgs(spec, argv, io);
    if (typeof parsed === 'number') return parsed;
    let clients: AwsClients | undefined;
    const ctx: ScriptContext = {
      io,
      dryRun: parsed['dry-run'],
      log: (message) => io.stderr(`${spec.name}: ${message}\n`),
      printJson: (value) => io.stdout(`${JSON.stringify(value, null, 2)}\n`),
      printPlan: (calls, notes) => {
        const document = {
          script: spec.name,
          dryRun: true,
          region: regionFromFlagsOrEnv({ region: parsed.region }, io.env) ?? null,
          requests: calls.map((call) => ({
            service: call.service,
            operation: operationName(call.command),
            input: call.command.input,
          })),
          ...notes,
        };
        io.stdout(`${JSON.stringify(document, null, 2)}\n`);
      },
      connect: async () => {
        clients ??= await connectAws(
          { region: parsed.region, profile: parsed.profile, endpointUrl: parsed['endpoint-url'] },
          io.env,
        );
        return clients;
      },
    };
    try {
      return (await spec.run(parsed, ctx)) ?? 0;
    } catch (err) {
      if (err instanceof ScriptError) {
        io.stderr(`${spec.name}: ${err.message}\n`);
        return err.exitCode;
      }
      io.stderr(`${spec.name}: unexpected failure: ${(err as Error)?.stack ?? String(err)}\n`);
      return 1;
    } finally {
      clients?.close();
    }
  };
}

async function parseArgs<O extends Record<string, Options>>(
  spec: ScriptSpec<O>,
  argv: readonly string[],
  io: ScriptIo,
): Promise<(InferredOptionTypes<O> & CommonArgs) | number> {
  let parser = yargs()
    .scriptName(`npx tsx scripts/aws/${spec.name}.ts`)
    .usage(`$0 [options]\n\n${spec.summary}`)
    .options({ ...withGroup(spec.options, 'Options:'), ...COMMON_OPTIONS })
    .epilogue('Any flag can also be set in the environment as MPM_AWS_<FLAG>, e.g. MPM_AWS_S3_PREFIX for --s3-prefix.')
    .strict()
    .help()
    .version(false)
    .exitProcess(false)
    // A fixed width keeps --help identical everywhere (tests compare it).
    .wrap(110);
  for (const [command, description] of spec.examples ?? []) parser = parser.example(command, description);
  const refused = refusedArgv({ ...spec.options, ...COMMON_OPTIONS }, argv);
  if (refused !== undefined) {
    io.stderr(`${spec.name}: ${refused}\nRun with --help to see the flags.\n`);
    return new UsageError(refused).exitCode;
  }
  const fullArgv = [...argvFromEnv({ ...spec.options, ...COMMON_OPTIONS }, argv, io.env), ...argv];
  const result = await new Promise<{ err?: Error; argv: Record<string, unknown>; output: string }>((resolve) => {
    void parser.parse(fullArgv, {}, (err, parsedArgv, output) => {
      resolve({ err: err ?? undefined, argv: parsedArgv as Record<string, unknown>, output });
    });
  });
  if (result.err) {
    io.stderr(`${spec.name}: ${result.err.message}\nRun with --help to see the flags.\n`);
    return new UsageError(result.err.message).exitCode;
  }
  // A single-valued flag repeated with the same value (refusedArgv let it through) is read once.
  for (const [flag, option] of Object.entries({ ...spec.options, ...COMMON_OPTIONS })) {
    if (option.type === 'array') continue;
    for (const key of new Set([flag, camelOf(flag)])) {
      const value = result.argv[key];
      if (Array.isArray(value)) result.argv[key] = value[value.length - 1];
    }
  }
  if (result.argv.help) {
    io.stdout(`${result.output}\n`);
    return 0;
  }
  return result.argv as InferredOptionTypes<O> & CommonArgs;
}

/**
 * What yargs would read silently otherwise than typed: a number flag's value that is not a decimal number (yargs
 * gives NaN, so the message could only say "NaN"), and a single-valued flag given twice with different values (yargs
 * makes an array of them, or keeps the last of a switch). Returns the message, or undefined when all is well.
 */
export function refusedArgv(options: Record<string, Options>, argv: readonly string[]): string | undefined {
  const values = new Map<string, string[]>();
  for (let i = 0; i < argv.length; i++) {
    const match = /^--(no-)?([^=]+)(?:=(.*))?$/s.exec(argv[i]!);
    if (!match) continue;
    const flag = flagNamed(options, match[2]!);
    if (flag === undefined) continue; // yargs' strict mode names unknown flags
    const option = options[flag]!;
    if (option.type === 'array') continue;
    let value: string;
    if (match[1] !== undefined) value = 'false';
    else if (match[3] !== undefined) value = match[3];
    else if (option.type === 'boolean') value = 'true';
    else {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) continue; // yargs says the value is missing
      value = next;
      i++;
    }
    // Decimal only: yargs' numbers also read 0x10 as 16, and "abc" as NaN.
    if (option.type === 'number' && !DECIMAL.test(value.trim())) return `--${flag}: ${JSON.stringify(value)} is not a number (expected decimal digits, e.g. 10)`;
    values.set(flag, [...(values.get(flag) ?? []), value]);
  }
  for (const [flag, given] of values) {
    const distinct = [...new Set(given)];
    if (distinct.length > 1) return `--${flag} is given ${given.length} times with different values (${distinct.map((v) => JSON.stringify(v)).join(', ')}); give it once`;
  }
  return undefined;
}

/** The declared flag `name` stands for (as declared, or in camel case), if any. */
function flagNamed(options: Record<string, Options>, name: string): string | undefined {
  if (name in options) return name;
  return Object.keys(options).find((flag) => camelOf(flag) === name);
}

/** yargs' camel-case key of a kebab-case flag (`--role-arn` is also `roleArn`). */
function camelOf(flag: string): string {
  return flag.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/**
 * Flags taken from MPM_AWS_<FLAG> variables (MPM_AWS_ROLE_ARN for --role-arn), for the script's own flags only and
 * only when the command line does not give them. yargs' own .env() is not used: it would turn every MPM_AWS_*
 * variable into a flag, so a variable meant for one script would be an unknown flag for the others.
 */
export function argvFromEnv(
  options: Record<string, Options>,
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): string[] {
  const out: string[] = [];
  for (const [flag, option] of Object.entries(options)) {
    const value = env[`MPM_AWS_${flag.toUpperCase().replace(/-/g, '_')}`];
    if (value === undefined || value === '') continue;
    const given = argv.some((a) => a === `--${flag}` || a === `--no-${flag}` || a.startsWith(`--${flag}=`));
    if (given) continue;
    if (option.type === 'boolean') out.push(/^(false|0|no)$/i.test(value) ? `--no-${flag}` : `--${flag}`);
    else out.push(`--${flag}`, value);
  }
  return out;
}

// yargs lists ungrouped flags last; giving the script's own flags a group puts them before the common AWS ones.
function withGroup<O extends Record<string, Options>>(options: O, group: string): O {
  const out: Record<string, Options> = {};
  for (const [key, value] of Object.entries(options)) out[key] = { group, ...value };
  return out as O;
}

/** Runs `main` with the real process when the module is the entry script (`npx tsx scripts/aws/<name>.ts`). */
export function runIfEntry(moduleUrl: string, main: ScriptMain): void {
  const entry = process.argv[1];
  if (!entry) return;
  let entryPath: string;
  try {
    entryPath = realpathSync(entry);
  } catch {
    return;
  }
  if (entryPath !== realpathSync(fileURLToPath(moduleUrl))) return;
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
