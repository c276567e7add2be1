#!/usr/bin/env node
/**
 * @module The monitor's entry point: picks the command (the monitoring job by default, suggest-baseline, evaluate, rollup or history) and hands
 * it argv and the environment; resolves with the exit code.
 *
 * Exit codes: 0 Completed or CompletedWithViolations; 2 configuration error; 3 input error (errors beyond
 * MPM_MAX_INPUT_ERROR_RATE, or too few joined records with MPM_ON_INSUFFICIENT_DATA=fail); 4 output error;
 * 1 internal error. The reason is always in the message file and the log.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { jobCommand } from './cli/job-command.ts';

/** Runs the command named by argv[0] (or the monitoring job) with the given arguments and environment. */
export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  if (argv[0] === '--version' || argv[0] === '-V') {
    process.stdout.write(`${(await import('./runtime/package-version.ts')).packageVersion()}\n`);
    return 0;
  }
  // Each command loads only its own modules: start-up is mostly module loading.
  if (argv[0] === 'suggest-baseline') return (await import('./cli/suggest-command.ts')).suggestCommand(argv.slice(1), env);
  if (argv[0] === 'evaluate') return (await import('./cli/evaluate-command.ts')).evaluateCommand(argv.slice(1), env);
  if (argv[0] === 'rollup') return (await import('./rollup/rollup-command.ts')).rollupCommand(argv.slice(1), env);
  if (argv[0] === 'history') return (await import('./history/history-main.ts')).historyMain(argv.slice(1), env);
  return jobCommand(argv, env);
}

// Run when executed directly (node dist/monitor/cli.js, tsx monitor/cli.ts); bin/mpm-monitor.js calls main() itself.
const invoked = process.argv[1];
if (invoked && realpathSync(invoked) === realpathSync(fileURLToPath(import.meta.url))) {
  // The arguments after `node cli.js` (yargs/helpers' hideBin would load yargs' terminal helpers for this).
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
