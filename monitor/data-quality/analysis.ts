/**
 * @module The data-quality analysis as one stage, ready for run.ts: a reader per capture file (its own profile and
 * decoder, so files can go to worker threads), the files' profiles merged in path order (the result does not
 * depend on the worker count), then the window's outputs: the summary, statistics.json, the checks and
 * constraint_violations.json, the CloudWatch metrics. The trunk keeps the walk, the window, the error tally and the
 * output writing.
 */
import type { PublishableMetric } from '../publish/types.ts';
import { buildDataQualityStatistics } from './build-statistics.ts';
import { CaptureRowBuilder, type CaptureRowOptions } from './capture-rows.ts';
import { checkDataQuality, type DataQualityCheckResult } from './check-features.ts';
import { dataQualityMetrics } from './cloudwatch-metrics.ts';
import { DatasetProfile, type DatasetSummary } from './dataset-profile.ts';
import { decodeDataQualityLine, type DataQualityLine, type DataQualityLineWarning } from './decode-capture-rows.ts';
import { ANALYZER_FALLBACKS, type DataQualityConstraints, type MonitoringConfig } from './load-constraints.ts';
import type { BaselineStatistics } from './load-statistics.ts';
import { PayloadDecoder } from './payload-records.ts';
import type { DataQualityStatistics } from './statistics-schema.ts';
import { suggestDataQualityConstraints, type SuggestedConstraints } from './suggest-constraints.ts';

export interface DataQualityAnalysisOptions {
  /** The capture window [start, end) in epoch ms. */
  window: { start?: number; end?: number };
  /** Column layout (captureIndexNames, output position, names, exclusions); baselineNames default to the baseline's. */
  rows?: CaptureRowOptions;
  statistics?: BaselineStatistics;
  constraints?: DataQualityConstraints;
  /** The monitoring_config without a constraints file (default: the analyzer's fallbacks). */
  config?: MonitoringConfig;
  maxFeatures?: number;
}

/** Reads the lines of one capture file into its own profile. */
export class DataQualityFileReader {
  readonly profile: DatasetProfile;
  readonly #decoder = new PayloadDecoder();
  readonly #options: { window: { start?: number; end?: number }; rows: CaptureRowBuilder };

  constructor(options: { window: { start?: number; end?: number }; rows: CaptureRowBuilder }, profile: DatasetProfile) {
    this.#options = options;
    this.profile = profile;
  }

  /** One capture line; throws RecordProblem when it cannot be read (count it by reason, file and line). */
  readLine(line: string, warn: (w: DataQualityLineWarning) => void = () => {}): DataQualityLine {
    return decodeDataQualityLine(line, this.#options, this.#decoder, this.profile, warn);
  }
}

/** What a window gives. */
export interface DataQualityResult {
  summary: DatasetSummary;
  statistics: DataQualityStatistics;
  checks: DataQualityCheckResult;
  /** The baseline suggestion of this window (suggest-baseline from capture). */
  suggestion: SuggestedConstraints;
  /** CloudWatch metrics (emit_metrics honoured). */
  metrics: PublishableMetric[];
}

export class DataQualityAnalysis {
  readonly #options: DataQualityAnalysisOptions;
  readonly #rows: CaptureRowBuilder;
  readonly #columns: string[];
  readonly #total: DatasetProfile;

  constructor(options: DataQualityAnalysisOptions) {
    this.#options = options;
    const baselineNames = options.rows?.baselineNames ?? options.statistics?.features.map((f) => f.name) ?? options.constraints?.features.map((f) => f.name);
    this.#rows = new CaptureRowBuilder({ ...options.rows, ...(baselineNames ? { baselineNames } : {}) });
    // The baseline's columns come first and are always profiled, whatever keys the window brings.
    this.#columns = (options.constraints?.features.map((f) => f.name) ?? options.statistics?.features.map((f) => f.name) ?? []).filter((n) => !(options.rows?.excludeFeatures ?? []).includes(n));
    this.#total = this.newProfile();
  }

  /** An empty profile with the analysis's columns and cap (for a file, a worker or a tabular reader). */
  newProfile(): DatasetProfile {
    return new DatasetProfile({ columns: this.#columns, maxFeatures: this.#options.maxFeatures });
  }

  /** A reader for one capture file. */
  fileReader(): DataQualityFileReader {
    return new DataQualityFileReader({ window: this.#options.window, rows: this.#rows }, this.newProfile());
  }

  /** Folds in a file's profile; call in path order (a worker's saved profile: DatasetProfile.load(state)). */
  addFile(profile: DatasetProfile): void {
    this.#total.merge(profile);
  }

  /** The window's outputs. */
  finish(): DataQualityResult {
    const summary = this.#total.summary();
    const config = this.#options.constraints?.config ?? this.#options.config ?? ANALYZER_FALLBACKS;
    const checks = checkDataQuality(summary, {
      constraints: this.#options.constraints,
      statistics: this.#options.statistics,
      config,
      excludeFeatures: this.#options.rows?.excludeFeatures,
    });
    return {
      summary,
      statistics: buildDataQualityStatistics(summary),
      checks,
      suggestion: suggestDataQualityConstraints(summary, config),
      metrics: dataQualityMetrics(summary, checks.features, config.emitMetrics),
    };
  }
}
