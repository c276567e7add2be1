/**
 * @module Runs a script's main in-process with captured stdout and stderr, and sets the fake credentials the live
 * (loopback) runs need. The SDK's credential chain reads process.env, so the credentials are stubbed there; the
 * instance-metadata lookup is switched off so that no test ever reaches for 169.254.169.254.
 */
import { vi } from 'vitest';
import type { ScriptMain } from '../../../scripts/aws/lib/define-script.ts';

export interface ScriptRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Calls `main(argv)` with the given environment (default: empty, so nothing leaks in from the machine). */
export async function runScript(main: ScriptMain, argv: readonly string[], env: Record<string, string> = {}): Promise<ScriptRun> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    env,
  });
  return { code, stdout, stderr };
}

/** Stubs static fake credentials in process.env for the SDK (undo with vi.unstubAllEnvs). */
export function stubFakeCredentials(): void {
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDLOOPBACKTEST');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'loopback-secret');
  vi.stubEnv('AWS_SESSION_TOKEN', '');
  vi.stubEnv('AWS_PROFILE', '');
  vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
  vi.stubEnv('AWS_CONFIG_FILE', '/nonexistent/mpm-test/config');
  vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', '/nonexistent/mpm-test/credentials');
}
