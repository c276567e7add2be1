/**
 * @module One planned AWS API request: which service, which SDK v3 command. Scripts build their requests as a list of
 * these first, so that --dry-run prints exactly what a real run sends.
 */

/** The services the scripts talk to; each maps to one SDK v3 client in `aws-clients.ts`. */
export type ServiceId = 'sagemaker' | 'sagemaker-runtime' | 's3' | 'scheduler';

/** The part of an SDK v3 command the scripts rely on: its input (the request members). */
export interface SdkCommand {
  readonly input: object;
}

/** A request to send: the service and the SDK command carrying its input. */
export interface ApiCall {
  service: ServiceId;
  command: SdkCommand;
}

/** Builds an ApiCall; a helper so that call sites read `apiCall('sagemaker', new CreateModelCommand(input))`. */
export function apiCall(service: ServiceId, command: SdkCommand): ApiCall {
  return { service, command };
}

/**
 * The API operation name of a command, e.g. "CreateModel" for CreateModelCommand. SDK v3 command classes are named
 * `<Operation>Command`, and the scripts run from source, so the class name is never minified.
 */
export function operationName(command: SdkCommand): string {
  return command.constructor.name.replace(/Command$/, '');
}
