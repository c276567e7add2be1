/**
 * @module The command line of each mpm-monitor command, from the settings table: one option per setting the command
 * takes (described with its variable and default, grouped as the table groups them), and the flags a run was given,
 * keyed as load-config.ts reads them.
 */
import type { Argv } from 'yargs';
import { settingsOf, type Command, type SettingEntry, type SettingGroup } from '../config/settings.ts';
import type { FlagValues } from '../config/load-config.ts';
import { closest } from '../config/edit-distance.ts';
import { ConfigError, showValue } from '../errors.ts';
import { oneValue } from './one-value.ts';

/** The commands mpm-monitor takes as its first argument; without one it runs the monitoring job. */
export const COMMANDS = ['suggest-baseline', 'evaluate', 'rollup', 'history'] as const;

const GROUP_TITLES: Record<SettingGroup, string> = {
  contract: 'SageMaker Model Monitor contract (environment variable in brackets):',
  'ground truth': 'Ground truth:',
  mpm: 'Behaviour:',
  baseline: 'Baseline:',
  aws: 'AWS outside Model Monitor:',
  paths: '/opt/ml paths (redirect them for local runs):',
};

/** The help text of one setting: its description, variable and default. */
function describe(s: SettingEntry): string {
  const env = 'env' in s ? ` [${s.env}]` : '';
  const def = 'default' in s ? ` (default: ${s.default})` : '';
  return `${s.description}${env}${def}`;
}

/**
 * The command line parsed for `command` (its settings' options, help, no version; unknown options kept). An empty
 * command line (a Model Monitor job, a `docker run` with variables) is parsed without loading yargs: it takes a
 * tenth of the start-up.
 */
export async function parseCommandLine(argv: string[], command: Command, name: string, usage: string): Promise<Record<string, unknown>> {
  if (argv.length === 0) return { _: [], $0: name };
  const { default: yargs } = await import('yargs');
  return (await commandParser(yargs, argv, command, name, usage).parseAsync()) as Record<string, unknown>;
}

/** A yargs parser for `command` with its settings' options, help, and no version. Unknown options are kept. */
function commandParser(yargs: (args: string[]) => Argv, argv: string[], command: Command, name: string, usage: string): Argv {
  let parser = yargs(argv)
    .scriptName(name)
    .usage(usage)
    .strict(false)
    .version(false)
    .help('help')
    .alias('help', 'h')
    .wrap(Math.min(120, process.stdout.columns || 120))
    .parserConfiguration({ 'unknown-options-as-args': false });
  for (const s of settingsOf(command)) {
    parser = parser.option(s.flag, { type: 'switch' in s ? 'boolean' : 'string', group: GROUP_TITLES[s.group], description: describe(s) });
  }
  return parser;
}

/**
 * What a switch was given, in order, as typed: "true" for `--switch`, "false" for `--no-switch`, the value of
 * `--switch=value`. yargs reads `--switch=TRUE` (or `= true`) as false, so the switch is read from these.
 */
function typedSwitch(flag: string, args: readonly string[]): string[] {
  const values: string[] = [];
  for (const arg of args) {
    for (const name of spellings(flag)) {
      if (arg === `--${name}`) values.push('true');
      else if (arg === `--no-${name}`) values.push('false');
      else if (arg.startsWith(`--${name}=`)) values.push(arg.slice(name.length + 3));
    }
  }
  return values;
}

/** true or false for a switch's typed value (any case, spaces around it ignored), else undefined. */
function switchWord(value: string): boolean | undefined {
  const word = value.trim().toLowerCase();
  return word === 'true' ? true : word === 'false' ? false : undefined;
}

/** A switch's value: the last true or false typed ({@link checkFlags} refuses any other). */
function switchValue(flag: string, parsed: unknown, args: readonly string[]): boolean {
  const typed = typedSwitch(flag, args).map(switchWord).filter((v) => v !== undefined);
  return typed.length > 0 ? typed[typed.length - 1]! : parsed === true;
}

/**
 * The flags given on the command line, keyed by variable (or by flag for command-line-only settings). `args` is the
 * command line as typed (for the switches' values).
 */
export function flagsFrom(command: Command, argv: Record<string, unknown>, args: readonly string[] = []): FlagValues {
  const flags: Record<string, string> = {};
  for (const s of settingsOf(command)) {
    const v = argv[s.flag];
    const key = 'env' in s ? s.env : s.flag;
    if ('switch' in s) {
      if (switchValue(s.flag, v, args)) flags[key] = 'true';
    } else if (typeof v === 'string') flags[key] = v;
    else if (Array.isArray(v) && v.length > 0) flags[key] = String(v[v.length - 1]);
  }
  return flags as FlagValues;
}

/** The spellings yargs accepts for `flag`: as declared, and in camel case. */
function spellings(flag: string): string[] {
  const camel = flag.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
  return camel === flag ? [flag] : [flag, camel];
}

/**
 * Refuses what yargs would read silently in a way the user did not mean: a switch given a value other than true or
 * false (`--create-violation-tests=maybe` reads as false), a flag given twice with different values (one of them
 * would be dropped), and an argument that is not an option (`mpm-monitor evalute` ran the monitoring job with the
 * defaults; with `takesCommand`, the message names the commands and the one probably meant). `args` is the command
 * line as typed; `parsed` what yargs made of it.
 */
export function checkFlags(command: Command, args: readonly string[], parsed: Record<string, unknown>, takesCommand = false): void {
  const stray = ((parsed._ as unknown[] | undefined) ?? []).map(String);
  if (stray.length > 0) {
    const word = stray[0]!;
    const at = args.indexOf(word);
    const before = at > 0 ? args[at - 1]! : '';
    const afterSwitch = settingsOf(command).find((s) => 'switch' in s && spellings(s.flag).some((name) => before === `--${name}`));
    if (afterSwitch !== undefined) {
      throw new ConfigError(`config: ${showValue(word)} after --${afterSwitch.flag} is not an option; expected the switch alone, or --${afterSwitch.flag}=true or =false`);
    }
    if (takesCommand && at === 0) {
      const folded = word.toLowerCase();
      const near = folded === 'help' || folded === 'version' ? `--${folded}` : closest(folded, COMMANDS, 2);
      throw new ConfigError(`config: ${showValue(word)} is not a command${near ? ` (did you mean ${near}?)` : ''}; expected options only (the monitoring job), or first one of the commands ${COMMANDS.join(', ')}`);
    }
    throw new ConfigError(`config: unexpected argument ${showValue(word)}; expected options only (--name value or --name=value)`);
  }
  for (const s of settingsOf(command)) {
    if (!('switch' in s)) {
      oneValue(s.flag, parsed[s.flag]);
      continue;
    }
    const bad = typedSwitch(s.flag, args).find((value) => switchWord(value) === undefined);
    if (bad !== undefined) throw new ConfigError(`config: --${s.flag} ${showValue(bad)} is not valid; expected the switch alone, or =true or =false`);
  }
}

/**
 * Options on the command line that no setting of `command` declares, as typed (yargs also keys `--expected-record` as
 * `expectedRecord`: that copy is left out).
 */
export function unknownOptions(command: Command, argv: Record<string, unknown>): string[] {
  const known = new Set(['_', '$0', 'help', 'h']);
  for (const s of settingsOf(command)) for (const name of spellings(s.flag)) known.add(name);
  const keys = Object.keys(argv).filter((k) => !known.has(k));
  const typed = new Set(keys);
  return keys.filter((k) => !(/[A-Z]/.test(k) && typed.has(k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`))));
}

/** "--name (did you mean --flag?)" for an unknown option close to one of `command`'s flags. */
export function describeUnknownOption(command: Command, name: string): string {
  const near = closest(name.toLowerCase(), settingsOf(command).map((s) => s.flag), name.length >= 8 ? 2 : 1);
  return `--${name}${near ? ` (did you mean --${near}?)` : ''}`;
}

/**
 * Refuses options `command` does not declare: for the commands people type (suggest-baseline, evaluate, rollup), a
 * mistyped option silently ignored runs with the default in its place (`--expected-record 250`). The job itself only
 * warns: a schedule's ContainerArguments may carry options mpm does not know.
 */
export function refuseUnknownOptions(command: Command, parsed: Record<string, unknown>, commandLine: string): void {
  const unknown = unknownOptions(command, parsed);
  if (unknown.length === 0) return;
  throw new ConfigError(`config: ${unknown.map((name) => describeUnknownOption(command, name)).join(', ')} ${unknown.length === 1 ? 'is not an option' : 'are not options'} of ${commandLine}; see ${commandLine} --help`);
}
