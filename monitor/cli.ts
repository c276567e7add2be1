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
import { hideBin } from 'yargs/helpers';
import { jobCommand } from './cli/job-command.ts';
import { suggestCommand } from './cli/suggest-command.ts';
import { evaluateCommand } from './cli/evaluate-command.ts';

/** Runs the command named by argv[0] (or the monitoring job) with the given arguments and environment. */
export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  if (argv[0] === 'suggest-baseline') return suggestCommand(argv.slice(1), env);
  if (argv[0] === 'evaluate') return evaluateCommand(argv.slice(1), env);
  if (argv[0] === 'rollup') return (await import('./rollup/rollup-command.ts')).rollupCommand(argv.slice(1), env);
  if (argv[0] === 'history') return (await import('./history/history-main.ts')).historyMain(argv.slice(1), env);
  return jobCommand(argv, env);
}

// Run when executed directly (node dist/monitor/cli.js, tsx monitor/cli.ts); bin/mpm-monitor.js calls main() itself.
const invoked = process.argv[1];
if (invoked && realpathSync(invoked) === realpathSync(fileURLToPath(import.meta.url))) {
  main(hideBin(process.argv)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
