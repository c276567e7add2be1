/**
 * @module Who a run is in the state location: the job's name (ProcessingJobName from processingjobconfig.json, else
 * MPM_RUN_ID, else the window start) and the instances of the job (/opt/ml/config/resourceconfig.json: current_host
 * and hosts; absent, one instance). Several hosts share one job name and one window; hosts[0] leads.
 */
import type { MonitorConfig } from '../config/load-config.ts';
import { formatContractTime } from '../config/time.ts';
import { ConfigError, showValue } from '../errors.ts';
import { MAX_CONFIG_FILE_BYTES } from '../ingest/read-limits.ts';
import { readCappedFile } from '../runtime/read-capped-file.ts';
import { withoutBom } from '../runtime/without-bom.ts';

/** The run's name and its place among the job's instances. */
export interface RunIdentity {
  job: { name: string; source: 'processing_job' | 'run_id' };
  host: { current_host: string; hosts: string[] };
}

/** The host of a one-instance run (SageMaker names the first instance algo-1). */
export const SINGLE_HOST = 'algo-1';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/**
 * The JSON of `file` (named by `variable`), undefined when it does not exist. Read like processingjobconfig.json:
 * a regular file of at most 16 MiB, so a FIFO or /dev/zero named by mistake is refused instead of hanging the run.
 */
async function readJson(file: string, variable: string): Promise<unknown | undefined> {
  let text: string;
  try {
    text = await readCappedFile(file, MAX_CONFIG_FILE_BYTES);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ConfigError(`config: ${variable} ${showValue(file)} cannot be read (${(error as Error).message}); expected a JSON file`);
  }
  try {
    return JSON.parse(withoutBom(text)) as unknown;
  } catch (error) {
    throw new ConfigError(`config: ${variable} ${showValue(file)} is not valid JSON (${(error as Error).message})`);
  }
}

/** current_host and hosts of resourceconfig.json, checked; one instance when the file does not exist. */
export async function readHosts(file: string): Promise<RunIdentity['host']> {
  const json = await readJson(file, 'MPM_RESOURCE_CONFIG_FILE');
  if (json === undefined) return { current_host: SINGLE_HOST, hosts: [SINGLE_HOST] };
  const { current_host: current, hosts } = (json ?? {}) as { current_host?: unknown; hosts?: unknown };
  const expected = `expected SageMaker's resourceconfig.json: {"current_host": "algo-1", "hosts": ["algo-1", ...]}`;
  if (!Array.isArray(hosts) || hosts.length === 0 || hosts.some((h) => typeof h !== 'string' || !NAME.test(h)) || new Set(hosts).size !== hosts.length) {
    throw new ConfigError(`config: ${file} "hosts" ${showValue(hosts)} is not valid; ${expected} (distinct names of letters, digits, . _ -)`);
  }
  if (typeof current !== 'string' || !hosts.includes(current)) {
    throw new ConfigError(`config: ${file} "current_host" ${showValue(current)} is not valid; expected one of its hosts (${hosts.join(', ')})`);
  }
  return { current_host: current, hosts: hosts as string[] };
}

/** ProcessingJobName of processingjobconfig.json, when the file exists and names a job. */
async function processingJobName(file: string): Promise<string | undefined> {
  const json = (await readJson(file, 'MPM_JOB_CONFIG_FILE')) as { ProcessingJobName?: unknown } | undefined;
  const name = json?.ProcessingJobName;
  return typeof name === 'string' && NAME.test(name) ? name : undefined;
}

/**
 * The run's name: the processing job's, else MPM_RUN_ID, else "run-" and the window start (compact UTC). The job's
 * name wins over MPM_RUN_ID: every execution of a schedule is a new job, while a run id set in the schedule's
 * environment would be shared by all of them, and the leader would merge parts an earlier execution left.
 */
export async function readRunIdentity(config: Pick<MonitorConfig, 'paths' | 'runId' | 'window'>): Promise<RunIdentity> {
  const host = await readHosts(config.paths.resourceConfigFile);
  const jobName = await processingJobName(config.paths.jobConfigFile);
  if (jobName !== undefined) return { job: { name: jobName, source: 'processing_job' }, host };
  if (config.runId !== undefined) return { job: { name: config.runId, source: 'run_id' }, host };
  if (host.hosts.length > 1) {
    throw new ConfigError('config: MPM_RUN_ID is not set and processingjobconfig.json names no job; expected a run id shared by the instances of a multi-instance run');
  }
  const start = config.window.start === undefined ? 'all' : formatContractTime(config.window.start).replace(/[-:]/g, '');
  return { job: { name: `run-${start}`, source: 'run_id' }, host };
}
