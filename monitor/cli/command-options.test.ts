/**
 * @module The command line as yargs reads it and as mpm reads it: switches given a value, flags given twice.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.ts';
import { checkFlags, describeUnknownOption, flagsFrom, parseCommandLine, refuseUnknownOptions, unknownOptions } from './command-options.ts';

async function read(args: string[]): Promise<{ flags: Record<string, string>; check: () => void }> {
  const parsed = await parseCommandLine(args, 'job', 'mpm-monitor', 'usage');
  return { flags: flagsFrom('job', parsed, args) as Record<string, string>, check: () => checkFlags('job', args, parsed) };
}

describe('switches', () => {
  it.each([
    [['--create-violation-tests'], true],
    [['--create-violation-tests=true'], true],
    [['--create-violation-tests=TRUE'], true],
    [['--create-violation-tests= True '], true],
    [['--createViolationTests=true'], true],
    [['--create-violation-tests=false'], false],
    [['--create-violation-tests=False'], false],
    [['--no-create-violation-tests'], false],
    [['--create-violation-tests', '--create-violation-tests=false'], false],
    [['--create-violation-tests=false', '--create-violation-tests'], true],
    [[], false],
  ])('%j reads as %s', async (args, on) => {
    const { flags, check } = await read(args);
    expect(check).not.toThrow();
    expect(flags['create-violation-tests'] === 'true').toBe(on);
  });

  it.each([['--create-violation-tests=maybe'], ['--create-violation-tests=1'], ['--create-violation-tests='], ['--createViolationTests=yes']])('%s is refused naming the switch and the value', async (arg) => {
    const { check } = await read([arg]);
    expect(check).toThrow(ConfigError);
    expect(check).toThrow(`--create-violation-tests ${JSON.stringify(arg.slice(arg.indexOf('=') + 1))} is not valid; expected the switch alone, or =true or =false`);
  });
});

describe('a flag given more than once', () => {
  it('is refused when the values differ, naming the flag and each value', async () => {
    const { check } = await read(['--problem-type', 'Regression', '--problem-type=BinaryClassification']);
    expect(check).toThrow(ConfigError);
    expect(check).toThrow('--problem-type is given 2 times with different values ("Regression", "BinaryClassification"); expected it once');
  });

  it('is read once when every value is the same', async () => {
    const { flags, check } = await read(['--problem-type', 'Regression', '--problem-type', 'Regression']);
    expect(check).not.toThrow();
    expect(flags['problem_type']).toBe('Regression');
  });

  it('a flag given once is read as given', async () => {
    const { flags, check } = await read(['--output-path', '/tmp/x']);
    expect(check).not.toThrow();
    expect(flags['output_path']).toBe('/tmp/x');
  });
});

describe('arguments that are not options', () => {
  async function check(args: string[], takesCommand: boolean, command: 'job' | 'evaluate' = 'job'): Promise<() => void> {
    const parsed = await parseCommandLine(args, command, 'mpm-monitor', 'usage');
    return () => checkFlags(command, args, parsed, takesCommand);
  }

  it('a first word that is no command is refused, naming the command it is close to', async () => {
    expect(await check(['evalute'], true)).toThrow('config: "evalute" is not a command (did you mean evaluate?); expected options only (the monitoring job), or first one of the commands suggest-baseline, evaluate, rollup, history');
    expect(await check(['Rollup', '--output-path', 'x'], true)).toThrow('(did you mean rollup?)');
    expect(await check(['report'], true)).toThrow('config: "report" is not a command; expected options only');
    expect(await check(['version'], true)).toThrow('(did you mean --version?)');
  });

  it('a word after the options, or after a command, is an unexpected argument', async () => {
    expect(await check(['--output-path', '/tmp/x', 'stray'], true)).toThrow('config: unexpected argument "stray"; expected options only (--name value or --name=value)');
    expect(await check(['stray'], false, 'evaluate')).toThrow('config: unexpected argument "stray"');
  });

  it('a value after a switch says the switch takes none', async () => {
    expect(await check(['--create-violation-tests', 'TRUE'], true)).toThrow('config: "TRUE" after --create-violation-tests is not an option; expected the switch alone, or --create-violation-tests=true or =false');
    // yargs itself reads a lower-case true or false after a switch as its value.
    expect(await check(['--create-violation-tests', 'false'], true)).not.toThrow();
  });
});

describe('unknown options', () => {
  it('are listed as typed (not also in camel case), and named with the flag they are close to', async () => {
    const args = ['--expected-record', '250', '--bogus-thing=1'];
    const parsed = await parseCommandLine(args, 'suggest-baseline', 'mpm-monitor suggest-baseline', 'usage');
    expect(unknownOptions('suggest-baseline', parsed)).toEqual(['expected-record', 'bogus-thing']);
    expect(describeUnknownOption('suggest-baseline', 'expected-record')).toBe('--expected-record (did you mean --expected-records?)');
    expect(describeUnknownOption('suggest-baseline', 'bogus-thing')).toBe('--bogus-thing');
  });

  it('are refused by the commands people type, naming each', async () => {
    const parsed = await parseCommandLine(['--expected-record', '250'], 'suggest-baseline', 'mpm-monitor suggest-baseline', 'usage');
    expect(() => refuseUnknownOptions('suggest-baseline', parsed, 'mpm-monitor suggest-baseline')).toThrow(
      'config: --expected-record (did you mean --expected-records?) is not an option of mpm-monitor suggest-baseline; see mpm-monitor suggest-baseline --help',
    );
    const known = await parseCommandLine(['--expected-records', '250', '--expectedRecords', '250'], 'suggest-baseline', 'mpm-monitor suggest-baseline', 'usage');
    expect(() => refuseUnknownOptions('suggest-baseline', known, 'mpm-monitor suggest-baseline')).not.toThrow();
  });
});
