/**
 * @module The monitor's least privilege in its image: the folders it writes come from the settings' written-location
 * marker (so a setting added later is covered without an edit here), every other path-valued setting is an input the
 * shared step (common/least-privilege.ts) never re-owns, and the drop happens after the configuration is resolved
 * and before any input is read.
 */
import type { Logger } from 'pino';
import { applyLeastPrivilege, IMAGE_USER_VARIABLE, LeastPrivilegeError, type LeastPrivilegeOutcome, type LeastPrivilegeRequest, type WrittenLocation } from '../../common/least-privilege.ts';
import type { MonitorConfig } from '../config/load-config.ts';
import { SETTINGS, type SettingName, type SettingSpec } from '../config/settings.ts';
import { ConfigError, OutputError, showValue } from '../errors.ts';

type Resolved = Partial<Record<SettingName, string>>;

const URI = /^[a-z][a-z0-9+.-]*:\/\//i;

/** Every location the run writes: the resolved value of each setting marked `writes`, in table order. */
export function writtenLocations(resolved: Resolved): WrittenLocation[] {
  const out: WrittenLocation[] = [];
  for (const spec of SETTINGS as readonly SettingSpec[]) {
    const value = resolved[spec.env as SettingName];
    if (spec.writes !== undefined && value !== undefined) out.push({ variable: spec.env, value, kind: spec.writes });
  }
  return out;
}

/**
 * The locations to keep out of reach: the value of every setting not marked `writes` that is a path (holds a `/` and
 * is not a URI). Names, JSON and JSONPath values have no leading or inner `/` that could match a written folder.
 */
export function inputLocations(resolved: Resolved): string[] {
  const out: string[] = [];
  for (const spec of SETTINGS as readonly SettingSpec[]) {
    const value = resolved[spec.env as SettingName]?.trim();
    if (spec.writes !== undefined || value === undefined || !value.includes('/') || URI.test(value) || /^[[{$]/.test(value)) continue;
    out.push(value);
  }
  return out;
}

/**
 * MPM_RUN_AS_ROOT as a boolean: true/false (any case); a bare `--run-as-root` flag means true (an empty value can only
 * come from a flag: the loader takes an empty variable or job-config entry as unset).
 */
export function runAsRoot(config: Pick<MonitorConfig, 'resolved'>): boolean {
  const value = config.resolved.MPM_RUN_AS_ROOT;
  if (value === undefined) return false;
  if (value.trim() === '') return true;
  const v = value.trim().toLowerCase();
  if (v !== 'true' && v !== 'false') throw new ConfigError(`config: MPM_RUN_AS_ROOT ${showValue(value)} is not valid; expected true or false`);
  return v === 'true';
}

/** What the shared step needs, from the resolved configuration. Throws ConfigError for a bad MPM_RUN_AS_ROOT. */
export function leastPrivilegeRequest(config: MonitorConfig, env: NodeJS.ProcessEnv): LeastPrivilegeRequest {
  return {
    written: writtenLocations(config.resolved),
    // The job config file is read before any setting is resolved, so it is named in config.paths, not in resolved.
    inputs: inputLocations({ ...config.resolved, MPM_JOB_CONFIG_FILE: config.paths.jobConfigFile }),
    runAsRoot: runAsRoot(config),
    imageUser: env[IMAGE_USER_VARIABLE],
  };
}

/**
 * In the image (MPM_IMAGE_USER set): makes the written folders writable for the image user and drops root, unless
 * MPM_RUN_AS_ROOT=true or the process did not start as root; logs one line saying which. Outside the image it does
 * nothing. Throws ConfigError (bad MPM_RUN_AS_ROOT or MPM_IMAGE_USER) or OutputError (a written folder the process
 * cannot write, named with its setting), so cli.ts maps it to exit 2 or 4 like any other failure.
 */
export async function dropPrivileges(config: MonitorConfig, deps: { log: Logger; env?: NodeJS.ProcessEnv }): Promise<LeastPrivilegeOutcome> {
  try {
    return await applyLeastPrivilege(leastPrivilegeRequest(config, deps.env ?? process.env), (outcome) => {
      if (outcome.action === 'outside-image') deps.log.debug(outcome.summary);
      else deps.log.info({ uid: outcome.uid, gid: outcome.gid, action: outcome.action }, outcome.summary);
    });
  } catch (error) {
    if (!(error instanceof LeastPrivilegeError)) throw error;
    throw error.kind === 'config' ? new ConfigError(error.message, { cause: error }) : new OutputError(error.message, { cause: error });
  }
}
