/**
 * @module The scan stage of a data-quality run: the capture of the window (one worker or many, each file profiled
 * into its own part and merged in path order) or a tabular dataset (a validation set: CSV, JSON Lines or a JSON
 * array, Parquet), every record a row of the run's DatasetProfile. Bad lines and rows are counted by reason.
 */
import type { MonitorConfig } from '../config/load-config.ts';
import { dataQualityPlan } from '../data-quality/analysis.ts';
import { CaptureRowBuilder } from '../data-quality/capture-rows.ts';
import type { DatasetProfile } from '../data-quality/dataset-profile.ts';
import { TableRowProfiler } from '../data-quality/table-rows.ts';
import { openRows, type RowLayout } from '../ingest/table-rows.ts';
import { walkFiles } from '../ingest/walk.ts';
import { emptyCaptureSummary, type CaptureSummary } from '../scan/capture-summary.ts';
import { scanCapture } from '../scan/scan-capture.ts';
import type { DataQualityPlan } from '../data-quality/data-quality-plan.ts';
import type { PreparedDataQualityRun } from './prepare-data-quality.ts';
import type { RunContext } from './run-context.ts';
import { dealListed } from '../state/input-distribution.ts';

export interface DataQualityScan {
  capture: CaptureSummary;
  profile: DatasetProfile;
  /** The capture folders the window pruned (capture datasets only), for the merge of several hosts. */
  prunedFolders?: string[];
}

type TabularFormat = Extract<MonitorConfig['datasetFormat'], { kind: 'csv' | 'json' | 'parquet' }>;

function layoutOf(format: TabularFormat): RowLayout {
  if (format.kind === 'csv') return format.header ? 'csv-header' : 'csv';
  return format.kind === 'parquet' ? 'parquet' : format.lines ? 'json-lines' : 'json-array';
}

const TABLE_FILES = { csv: /\.csv(\.gz)?$|\.out$/i, parquet: /\.parquet$/i, json: /\.(jsonl|json|jsonlines|ndjson|out)(\.gz)?$/i } as const;

/** Every row of every file of a tabular dataset (in path order) into the plan's profile. */
async function scanTable(ctx: RunContext, prepared: PreparedDataQualityRun, plan: DataQualityPlan, format: TabularFormat): Promise<DataQualityScan> {
  const storage = prepared.capture;
  const profile = plan.startPart();
  const rowsInit = plan.workerInit.rows;
  const width = Math.max(rowsInit.baselineNames?.length ?? 0, rowsInit.columnNames?.length ?? 0);
  const profiler = new TableRowProfiler(profile, new CaptureRowBuilder(rowsInit), width > 0 ? width : undefined);
  const capture = emptyCaptureSummary(storage.location);
  for await (const entry of dealListed(walkFiles(storage, '', { accept: (p) => TABLE_FILES[format.kind].test(p) }), prepared.captureDeal)) {
    capture.files++;
    capture.bytes += entry.size ?? 0;
    const display = storage.describe(entry.path);
    const file = await openRows(storage, entry.path, layoutOf(format));
    await file.forEach((row) => {
      if (row.line > 0) capture.lines++;
      const out = profiler.add(row, file.columns);
      if (out.status === 'problem') {
        ctx.tally.add(out.problem === 'invalid_json' ? 'invalid_json' : out.problem === 'too_long' ? 'line_too_long' : 'unreadable_file', row.line > 0 ? { file: display, line: row.line, detail: out.detail } : { file: display, detail: out.detail });
        return;
      }
      capture.requests++;
      capture.predictions++;
    });
  }
  return { capture, profile };
}

export async function scanDataQuality(ctx: RunContext, prepared: PreparedDataQualityRun): Promise<DataQualityScan> {
  const { config, log } = ctx;
  const plan = dataQualityPlan({
    window: config.window,
    rows: prepared.rows,
    statistics: prepared.statistics,
    constraints: prepared.constraints,
    maxFeatures: config.maxFeatures,
  });
  const format = config.datasetFormat;
  log.info({ location: prepared.capture.location }, 'reading capture');
  let outcome: DataQualityScan;
  if (format.kind === 'csv' || format.kind === 'json' || format.kind === 'parquet') {
    outcome = await scanTable(ctx, prepared, plan, format);
  } else {
    const { summary, part, prunedFolders } = await scanCapture(prepared.capture, plan, ctx.tally, {
      window: config.window,
      endpointName: config.endpointName,
      workers: config.workers,
      datasetSource: config.datasetSource,
      s3EndpointUrl: config.s3EndpointUrl,
      samplesPerReason: config.samplesPerReason,
      ...(prepared.captureDeal ? { deal: prepared.captureDeal } : {}),
    });
    outcome = { capture: summary, profile: part, prunedFolders };
  }
  ctx.facts.capture = outcome.capture;
  log.info({ files: outcome.capture.files, requests: outcome.capture.requests, records: outcome.profile.itemCount }, 'capture read');
  return outcome;
}
