/**
 * @module analysis_type when no one set it. SageMaker's data-quality jobs carry no analysis_type (the SageMaker Python
 * SDK sets it for model quality only, and the built-in analyzer runs data quality without it), while mpm's default
 * is MODEL_QUALITY. So a run without analysis_type whose baseline is a data-quality file (a constraints.json or
 * statistics.json with "features", as the built-in analyzer and suggest-baseline write them) is a DATA_QUALITY run;
 * any other run keeps the default. Only local files are looked at (Model Monitor mounts the baseline); a file that is
 * missing, remote, unreadable, not JSON or neither kind says nothing here: the run reads and checks it later.
 */
import { MAX_CONFIG_FILE_BYTES } from '../ingest/read-limits.ts';
import { readCappedFileSync } from '../runtime/read-capped-file.ts';
import { withoutBom } from '../runtime/without-bom.ts';

export type BaselineKind = 'DATA_QUALITY' | 'MODEL_QUALITY';

/** Model quality's sections: constraints.json's and statistics.json's. */
const MODEL_QUALITY_KEYS = /^(binary_classification|multiclass_classification|regression)_(constraints|metrics)$/;

/** Which analysis a local baseline file is for, when it says so. */
export function baselineKind(file: string | undefined): BaselineKind | undefined {
  if (file === undefined || file.startsWith('s3://')) return undefined;
  let parsed: unknown;
  try {
    // Capped, and never through a FIFO or device (the helper refuses what is not a regular file).
    parsed = JSON.parse(withoutBom(readCappedFileSync(file, MAX_CONFIG_FILE_BYTES)));
  } catch {
    return undefined;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
  if (Array.isArray((parsed as { features?: unknown }).features)) return 'DATA_QUALITY';
  if (Object.keys(parsed).some((key) => MODEL_QUALITY_KEYS.test(key)) || 'accuracy' in parsed) return 'MODEL_QUALITY';
  return undefined;
}

/**
 * The analysis the baseline files name when analysis_type is unset: DATA_QUALITY when one is a data-quality file and
 * none a model-quality file; else undefined (the default stands).
 */
export function inferredAnalysisType(baselines: { constraints?: string; statistics?: string }): { analysisType: 'DATA_QUALITY'; because: string } | undefined {
  const constraints = baselineKind(baselines.constraints);
  const statistics = baselineKind(baselines.statistics);
  if (constraints === 'MODEL_QUALITY' || statistics === 'MODEL_QUALITY') return undefined;
  if (constraints === 'DATA_QUALITY') return { analysisType: 'DATA_QUALITY', because: `baseline_constraints "${baselines.constraints!}" is a data-quality constraints file` };
  if (statistics === 'DATA_QUALITY') return { analysisType: 'DATA_QUALITY', because: `baseline_statistics "${baselines.statistics!}" is a data-quality statistics file` };
  return undefined;
}
