/**
 * @module The server's least privilege in the images: the capture folder (when capture is on) is the one folder it
 * writes and the model folder the one it reads; the shared step (common/least-privilege.ts) re-owns the first, never
 * the second, and drops root before the server listens or reads the model.
 */
import type { Logger } from 'pino';
import { applyLeastPrivilege, IMAGE_USER_VARIABLE, LeastPrivilegeError, type LeastPrivilegeOutcome } from '../common/least-privilege.ts';
import type { ServingConfig } from './config.ts';

/**
 * Applies least privilege for the server and logs the one line saying what it did. Throws LeastPrivilegeError
 * (see {@link startupExitCode}) when MPM_IMAGE_USER is malformed or the capture folder cannot be written.
 */
export async function dropPrivileges(config: ServingConfig, logger: Logger, env: NodeJS.ProcessEnv = process.env): Promise<LeastPrivilegeOutcome> {
  const request = {
    written: config.capture ? [{ variable: 'MPM_CAPTURE_DIR', value: config.capture.root, kind: 'folder' as const }] : [],
    inputs: [config.modelDir],
    runAsRoot: config.runAsRoot,
    imageUser: env[IMAGE_USER_VARIABLE],
  };
  return applyLeastPrivilege(request, (outcome) => {
    if (outcome.action === 'outside-image') logger.debug(outcome.summary);
    else logger.info({ uid: outcome.uid, gid: outcome.gid, action: outcome.action }, outcome.summary);
  });
}

/** The exit code of a failed start: 2 for a bad image setting, 4 for a capture folder that cannot be written, else 1. */
export function startupExitCode(error: unknown): number {
  if (error instanceof LeastPrivilegeError) return error.kind === 'config' ? 2 : 4;
  return 1;
}
