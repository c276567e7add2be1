/**
 * @module The spawn helper of the end-to-end tests and the CLI surface it drives: the child never sees the parent's
 * MPM_* / AWS_* variables, a hung child is killed, and --help lists every setting with its flag and variable.
 */
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SETTINGS } from '../../monitor/config/settings.ts';
import { runMonitor } from '../helpers/run-monitor.ts';
import { CASES_DIR } from './golden-cases.ts';

const saved = { ...process.env };
afterEach(() => {
  for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
  Object.assign(process.env, saved);
});

describe('runMonitor', () => {
  it("gives the child a clean environment: the parent's MPM_* and AWS_* variables do not reach it", async () => {
    // Each of these would change the outcome if inherited: an invalid limit is a config error (exit 2), a log level
    // of silent would hide the log, an S3 endpoint would be recorded as a setting source.
    process.env.MPM_MAX_INPUT_ERROR_RATE = '7';
    process.env.MPM_LOG_LEVEL = 'silent';
    process.env.AWS_ENDPOINT_URL_S3 = 'http://127.0.0.1:9';
    const blog = path.join(CASES_DIR, 'blog-example');
    const run = await runMonitor({
      env: {
        problem_type: 'MulticlassClassification',
        dataset_source: `${blog}/capture`,
        ground_truth_source: `${blog}/groundtruth`,
        output_path: '{out}',
      },
    });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stderr).toContain('mpm-monitor starting');
    const report = run.outputs['monitoring_report.json'] as { config_sources: Record<string, string>; input_errors: { limit: number } };
    expect(report.input_errors.limit).toBe(0.05);
    expect(report.config_sources).not.toHaveProperty('AWS_ENDPOINT_URL_S3');
    // The /opt/ml paths were redirected into the temporary folder.
    expect(run.message).toBe('Completed: Job completed successfully with no violations.');
    expect(report.config_sources).toMatchObject({ MPM_MESSAGE_FILE: 'flag', CLOUDWATCH_METRICS_DIRECTORY: 'flag', MPM_JOB_CONFIG_FILE: 'flag' });
  });

  it('kills a child that outlives its timeout and says so', async () => {
    const run = await runMonitor({ args: ['--help'], timeoutMs: 1 });
    expect(run.timedOut).toBe(true);
    expect(run.exitCode).toBeNull();
  });
});

describe('mpm-monitor --help', () => {
  it('lists every setting with its flag and its environment variable, and exits 0', async () => {
    const run = await runMonitor({ args: ['--help'] });
    expect(run.exitCode).toBe(0);
    const help = run.stdout;
    const missing = SETTINGS.filter((s) => !help.includes(`--${s.flag}`) || !help.includes(`[${s.env}]`)).map((s) => s.env);
    expect(missing).toEqual([]);
    expect(help).toContain('--create-violation-tests');
  });
});

describe('mpm-monitor --version and a mistyped command', () => {
  it('--version prints the package version and exits 0, running nothing', async () => {
    const run = await runMonitor({ args: ['--version'] });
    expect(run.exitCode).toBe(0);
    expect(run.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    expect(run.outputs).toEqual({});
  });

  it('a mistyped command is a configuration error (exit 2) that says which command was meant, not a monitoring job', async () => {
    const run = await runMonitor({ args: ['evalute', '--output-path', '{out}'] });
    expect(run.exitCode).toBe(2);
    expect(run.message).toBe('Failed: config: "evalute" is not a command (did you mean evaluate?); expected options only (the monitoring job), or first one of the commands suggest-baseline, evaluate, rollup, history');
    expect(run.outputs['statistics.json']).toBeUndefined();
  });
});
