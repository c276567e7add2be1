/**
 * @module The monitor's least privilege in its image: the folders it writes come from the settings' written-location
 * marker (so a setting added later is covered without an edit here), every other path-valued setting is an input the
 * shared step (least-privilege.ts) never re-owns, and the drop happens after the configuration is resolved
 * and before any input is read.
 */
import { existsSync } from 'node:fs';
import type { Logger } from 'pino';
import { applyLeastPrivilege, IMAGE_USER_VARIABLE, LeastPrivilegeError, type LeastPrivilegeOutcome, type LeastPrivilegeRequest, type WrittenLocation } from './least-privilege.ts';
import type { MonitorConfig } from '../config/load-config.ts';
import { SETTING_TABLE, settingsOf, type Command, type SettingEntry } from '../config/settings.ts';
import { ConfigError, OutputError } from '../errors.ts';

type Resolved = Partial<Record<string, string>>;

const URI = /^[a-z][a-z0-9+.-]*:\/\//i;

const hasVariable = (s: SettingEntry): s is Extract<SettingEntry, { env: string }> => 'env' in s;
const writes = (s: SettingEntry): 'folder' | 'file' | undefined => ('writes' in s ? s.writes : undefined);

/** Every location `command` writes: the resolved value of each of its settings marked `writes`, in table order. */
export function writtenLocations(resolved: Resolved, command: Command = 'job'): WrittenLocation[] {
  const out: WrittenLocation[] = [];
  for (const spec of settingsOf(command)) {
    const kind = writes(spec);
    const value = hasVariable(spec) ? resolved[spec.env] : undefined;
    if (kind !== undefined && value !== undefined && hasVariable(spec)) out.push({ variable: spec.env, value, kind });
  }
  return out;
}

/**
 * The locations to keep out of reach: the value of every setting not marked `writes` (of any command) that is a path:
 * not a URI, JSON or a JSONPath, and either holding a `/` or naming something that exists (a relative `capture`).
 * Names and numbers (`Regression`, `ep`) are neither, so they never match a written folder by accident.
 */
export function inputLocations(resolved: Resolved, exists: (p: string) => boolean = existsSync): string[] {
  const out: string[] = [];
  for (const spec of SETTING_TABLE) {
    if (!hasVariable(spec) || writes(spec) !== undefined) continue;
    const value = resolved[spec.env]?.trim();
    if (value === undefined || value === '' || URI.test(value) || /^[[{$]/.test(value)) continue;
    if (value.includes('/') || exists(value)) out.push(value);
  }
  return out;
}

/** What the shared step needs, from the resolved configuration of `command`. */
export function leastPrivilegeRequest(config: MonitorConfig, env: NodeJS.ProcessEnv, command: Command = 'job'): LeastPrivilegeRequest {
  return {
    written: writtenLocations(config.resolved, command),
    // The job config file is read before the other settings; name it from config.paths as well.
    inputs: inputLocations({ ...config.resolved, MPM_JOB_CONFIG_FILE: config.paths.jobConfigFile }),
    runAsRoot: config.runAsRoot,
    imageUser: env[IMAGE_USER_VARIABLE],
  };
}

/**
 * The decision taken in this process, once taken in an image: setuid is for the whole process and for good, so a
 * later call (suggest-baseline runs the model-quality pipeline, whose prepare stage opens with the drop) neither
 * decides again nor checks another command's written locations.
 */
let decided: LeastPrivilegeOutcome | undefined;

/**
 * In the image (MPM_IMAGE_USER set): makes the written folders writable for the image user and drops root, unless
 * MPM_RUN_AS_ROOT=true or the process did not start as root; logs one line saying which. Once per process: a later
 * call returns the first outcome. Outside the image it does nothing. Throws ConfigError (a bad MPM_IMAGE_USER) or
 * OutputError (a written folder the process cannot write, named with its setting), so the caller maps it to exit 2
 * or 4 like any other failure.
 */
export async function dropPrivileges(config: MonitorConfig, deps: { log: Logger; env?: NodeJS.ProcessEnv; command?: Command }): Promise<LeastPrivilegeOutcome> {
  if (decided) return decided;
  try {
    const outcome = await applyLeastPrivilege(leastPrivilegeRequest(config, deps.env ?? process.env, deps.command), (outcome) => {
      if (outcome.action === 'outside-image') deps.log.debug(outcome.summary);
      else deps.log.info({ uid: outcome.uid, gid: outcome.gid, action: outcome.action }, outcome.summary);
    });
    if (outcome.action !== 'outside-image') decided = outcome;
    return outcome;
  } catch (error) {
    if (!(error instanceof LeastPrivilegeError)) throw error;
    throw error.kind === 'config' ? new ConfigError(error.message, { cause: error }) : new OutputError(error.message, { cause: error });
  }
}
