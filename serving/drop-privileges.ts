/**
 * @module The server's least privilege in the images: the capture folder (when capture is on) is the one folder it
 * writes and the model folder the one it reads; the shared step (monitor/runtime/least-privilege.ts) re-owns the first, never
 * the second, and drops root before the server listens or reads the model. Serving never stops for capture.
 */
import type { Logger } from 'pino';
import { applyLeastPrivilege, IMAGE_USER_VARIABLE, LeastPrivilegeError, type LeastPrivilegeOutcome } from '../monitor/runtime/least-privilege.ts';
import type { ServingConfig } from './config.ts';

/**
 * Applies least privilege for the server and logs the one line saying what it did. A capture folder that cannot be
 * written is logged as an error naming it, and the server goes on (as it does outside the images: it serves, and
 * counts the capture lines it drops); a malformed MPM_IMAGE_USER throws (see {@link startupExitCode}).
 */
export async function dropPrivileges(config: ServingConfig, logger: Logger, env: NodeJS.ProcessEnv = process.env): Promise<LeastPrivilegeOutcome | undefined> {
  const request = {
    written: config.capture ? [{ variable: 'MPM_CAPTURE_DIR', value: config.capture.root, kind: 'folder' as const }] : [],
    inputs: [config.modelDir],
    runAsRoot: config.runAsRoot,
    imageUser: env[IMAGE_USER_VARIABLE],
  };
  try {
    return await applyLeastPrivilege(request, (outcome) => {
      if (outcome.action === 'outside-image') logger.debug(outcome.summary);
      else logger.info({ uid: outcome.uid, gid: outcome.gid, action: outcome.action }, outcome.summary);
    });
  } catch (error) {
    if (!(error instanceof LeastPrivilegeError) || error.kind !== 'output') throw error;
    logger.error({ folder: config.capture?.root }, `capture: ${error.message}; captured lines will be dropped until it is writable`);
    return undefined;
  }
}

/** The exit code of a failed start: 2 for a malformed MPM_IMAGE_USER (a broken image), else 1. */
export function startupExitCode(error: unknown): number {
  return error instanceof LeastPrivilegeError && error.kind === 'config' ? 2 : 1;
}
