/**
 * @module Where things live in S3 when only --s3-prefix is given. One prefix per project keeps the walkthrough in
 * docs/aws.md short; every location can still be set on its own.
 *
 *   {prefix}/data-capture                       endpoint capture (SageMaker adds {endpoint}/{variant}/yyyy/mm/dd/hh)
 *   {prefix}/ground-truth/{endpoint}            labels, yyyy/mm/dd/hh/*.jsonl by collection hour
 *   {prefix}/baseline/constraints.json          baseline constraints
 *   {prefix}/reports                            monitoring reports
 *   {prefix}/state/{endpoint}                   run-state files (MPM_STATE_URI; several instances, roll-ups)
 *   {prefix}/prediction-store                   stored predictions (MPM_PREDICTION_STORE; it adds {endpoint}/{variant}/yyyy/mm/dd/hh)
 */
import { UsageError } from './errors.ts';
import { joinS3, parseS3Uri } from './s3-uri.ts';

/** The S3 locations the scripts derive from --s3-prefix. */
export type LocationKind = 'capture' | 'ground-truth' | 'constraints' | 'reports' | 'state' | 'prediction-store';

const FLAG: Record<LocationKind, string> = {
  capture: 'capture-uri',
  'ground-truth': 'ground-truth-uri',
  constraints: 'constraints-uri',
  reports: 'output-uri',
  state: 'state-uri',
  'prediction-store': 'prediction-store-uri',
};

/** The default location of one kind below an s3:// prefix. */
export function defaultLocation(kind: LocationKind, s3Prefix: string, endpointName: string): string {
  switch (kind) {
    case 'capture':
      return joinS3(s3Prefix, 'data-capture');
    case 'ground-truth':
      return joinS3(s3Prefix, 'ground-truth', endpointName);
    case 'constraints':
      return joinS3(s3Prefix, 'baseline', 'constraints.json');
    case 'reports':
      return joinS3(s3Prefix, 'reports');
    case 'state':
      return joinS3(s3Prefix, 'state', endpointName);
    case 'prediction-store':
      return joinS3(s3Prefix, 'prediction-store');
  }
}

/**
 * The explicit flag's value when given, else the default below --s3-prefix. Both absent is a usage error naming
 * the two ways to set it. S3-only locations are checked to be s3:// URIs.
 */
export function resolveLocation(
  kind: LocationKind,
  explicit: string | undefined,
  s3Prefix: string | undefined,
  endpointName: string,
  opts: { allowLocal?: boolean } = {},
): string {
  const flag = FLAG[kind];
  if (explicit) {
    if (!opts.allowLocal) parseS3Uri(explicit, `--${flag}`);
    return explicit.replace(/\/+$/, '');
  }
  if (!s3Prefix) throw new UsageError(`--${flag} or --s3-prefix is required (the ${kind} location)`);
  parseS3Uri(s3Prefix, '--s3-prefix');
  return defaultLocation(kind, s3Prefix, endpointName);
}

/** Flag names, for help texts. */
export function locationFlag(kind: LocationKind): string {
  return FLAG[kind];
}
