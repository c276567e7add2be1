/**
 * @module The SDK v3 clients of a real (not dry) run. `connectAws` resolves the region and the credentials once,
 * before any request, and fails with a message that says what is missing and how to set it.
 */
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { S3Client } from '@aws-sdk/client-s3';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { operationName, type ApiCall, type ServiceId } from './api-call.ts';
import { ApiCallError, AwsSetupError } from './errors.ts';

/** Where and as whom the clients connect. */
export interface AwsSettings {
  /** --region; when absent AWS_REGION, then AWS_DEFAULT_REGION, then the profile's region in ~/.aws/config. */
  region?: string;
  /** --profile; when absent the SDK uses AWS_PROFILE, then "default". */
  profile?: string;
  /** --endpoint-url: every request goes to this URL (tests, emulators). S3 then uses path-style addressing. */
  endpointUrl?: string;
}

// Every client exposes send(command); the commands are typed per client, and the scripts pair each command with
// its own client through ServiceId, so one loose signature is enough here.
interface AnyClient {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  send(command: any): Promise<unknown>;
  destroy(): void;
}

/** Connected clients: one per service, sharing region and credentials. */
export interface AwsClients {
  readonly region: string;
  /** Sends one request; AWS errors become ApiCallError naming the operation. */
  send(call: ApiCall): Promise<unknown>;
  /** Closes the HTTP agents so that the process can exit. */
  close(): void;
}

/** The region a script would use without asking the SDK's profile files: flag, AWS_REGION, AWS_DEFAULT_REGION. */
export function regionFromFlagsOrEnv(
  settings: AwsSettings,
  env: Readonly<Record<string, string | undefined>>,
): string | undefined {
  return settings.region || env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined;
}

/**
 * Resolves region and credentials and builds the clients. Nothing is sent to AWS here; only the SDK's standard
 * credential chain runs (environment, profile files, SSO cache, container or instance metadata).
 */
export async function connectAws(
  settings: AwsSettings,
  env: Readonly<Record<string, string | undefined>>,
): Promise<AwsClients> {
  const base = {
    region: regionFromFlagsOrEnv(settings, env),
    ...(settings.profile ? { profile: settings.profile } : {}),
    ...(settings.endpointUrl ? { endpoint: settings.endpointUrl } : {}),
  };
  const sagemaker = new SageMakerClient(base);
  let region: string;
  try {
    region = await sagemaker.config.region();
  } catch (cause) {
    sagemaker.destroy();
    throw new AwsSetupError(
      'no AWS region: pass --region (e.g. --region us-east-1), or set AWS_REGION, or set "region" for the profile in ~/.aws/config',
      { cause },
    );
  }
  try {
    await sagemaker.config.credentials();
  } catch (cause) {
    sagemaker.destroy();
    const which = settings.profile ? `profile ${JSON.stringify(settings.profile)}` : env.AWS_PROFILE ? `AWS_PROFILE=${env.AWS_PROFILE}` : 'the default chain';
    throw new AwsSetupError(
      `no AWS credentials (${which}: ${(cause as Error).message}): set AWS_PROFILE (or --profile) to a profile in ` +
        '~/.aws/config or ~/.aws/credentials (run "aws configure" or "aws sso login"), or export AWS_ACCESS_KEY_ID and ' +
        'AWS_SECRET_ACCESS_KEY (plus AWS_SESSION_TOKEN for temporary keys)',
      { cause },
    );
  }
  const shared = { ...base, region, credentials: sagemaker.config.credentials };
  const clients = new Map<ServiceId, AnyClient>([['sagemaker', sagemaker]]);
  const make = (service: ServiceId): AnyClient => {
    switch (service) {
      case 'sagemaker':
        return sagemaker;
      case 'sagemaker-runtime':
        return new SageMakerRuntimeClient(shared);
      case 'scheduler':
        return new SchedulerClient(shared);
      case 's3':
        // S3-compatible servers and loopback test servers need path-style addressing, and the newer default
        // checksums are not understood by all of them.
        return new S3Client(
          settings.endpointUrl
            ? { ...shared, forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' }
            : shared,
        );
    }
  };
  return {
    region,
    async send(call) {
      let client = clients.get(call.service);
      if (!client) {
        client = make(call.service);
        clients.set(call.service, client);
      }
      try {
        return await client.send(call.command);
      } catch (cause) {
        const err = cause as Error;
        throw new ApiCallError(`${operationName(call.command)} (${call.service}) failed: ${err.name}: ${err.message}`, { cause });
      }
    },
    close() {
      for (const client of clients.values()) client.destroy();
    },
  };
}
