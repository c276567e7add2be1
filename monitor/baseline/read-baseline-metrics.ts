/**
 * @module baseline_statistics of a model-quality run: SageMaker's model-quality statistics.json (what a baseline job,
 * or `suggest-baseline`, wrote), read before the first record and shown beside the window's values in
 * monitoring_report.json and report.html. It judges nothing: constraints do. An explicitly named file that is not
 * JSON, or holds no section of the run's problem type, is a configuration error; a file found only at the default
 * path that does not fit (a data-quality statistics.json a pipeline left there) is ignored with a warning.
 */
import type { Logger } from 'pino';
import type { MonitorConfig } from '../config/load-config.ts';
import { ConfigError, showValue } from '../errors.ts';
import { jsonErrorDetail } from '../ingest/json-error.ts';
import { metricNames, sectionName } from '../metrics/metric-names.ts';
import { readLocationText } from '../storage/read-location-text.ts';
import { withoutBom } from '../runtime/without-bom.ts';

/** The baseline's scalar metrics (value and standard deviation, as the file has them). */
export interface BaselineMetrics {
  source: string;
  section: string;
  metrics: Record<string, { value: number; standard_deviation?: number }>;
}

const finite = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** The metrics of `text` for this problem type; throws ConfigError (without the "config:" lead) when it has none. */
export function parseBaselineMetrics(text: string, source: string, problemType: MonitorConfig['problemType']): BaselineMetrics {
  const section = sectionName(problemType);
  const expected = `expected a model-quality statistics.json with a "${section}" section (what a ${problemType} baseline job writes)`;
  let json: unknown;
  try {
    json = JSON.parse(withoutBom(text));
  } catch (error) {
    throw new ConfigError(`config: baseline_statistics ${showValue(source)} is not valid JSON (${jsonErrorDetail(error)}); ${expected}`);
  }
  const block = json !== null && typeof json === 'object' && !Array.isArray(json) && Object.hasOwn(json, section) ? (json as Record<string, unknown>)[section] : undefined;
  if (block === null || typeof block !== 'object' || Array.isArray(block)) {
    const features = json !== null && typeof json === 'object' && Object.hasOwn(json, 'features');
    throw new ConfigError(`config: baseline_statistics ${showValue(source)} has no "${section}" section${features ? ' (it is a data-quality statistics.json)' : ''}; ${expected}`);
  }
  const metrics: BaselineMetrics['metrics'] = {};
  for (const name of metricNames(problemType)) {
    const m = Object.hasOwn(block, name) ? (block as Record<string, unknown>)[name] : undefined;
    if (m === null || typeof m !== 'object') continue;
    const value = finite((m as Record<string, unknown>).value);
    if (value === undefined) continue;
    const std = finite((m as Record<string, unknown>).standard_deviation);
    metrics[name] = std === undefined ? { value } : { value, standard_deviation: std };
  }
  return { source, section, metrics };
}

/** The baseline metrics of the run, when baseline_statistics names a file (or the default path holds one). */
export async function readBaselineMetrics(config: Pick<MonitorConfig, 'baselineStatistics' | 'problemType' | 's3EndpointUrl' | 'sources'>, log: Logger): Promise<BaselineMetrics | undefined> {
  const location = config.baselineStatistics;
  if (location === undefined) return undefined;
  const text = await readLocationText(location, 'baseline_statistics', 'statistics.json', config.s3EndpointUrl);
  try {
    return parseBaselineMetrics(text, location, config.problemType);
  } catch (error) {
    if (config.sources.baseline_statistics !== 'default') throw error;
    log.warn({ file: location, reason: (error as Error).message }, 'the statistics.json at the default baseline path does not fit this model-quality run; it is not shown');
    return undefined;
  }
}
