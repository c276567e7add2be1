/**
 * @module Writes report.html next to the JSON report files, atomically through the Storage like them. Its failure
 * never fails the job: the outcome (written, or the error) goes into the run report instead.
 */
import type { Storage } from '../../storage/storage.ts';
import type { RunReport } from '../build-run-report.ts';
import { renderDataQualityReport } from './data-quality-report-page.ts';
import type { ReportPageInput } from './render-report-page.ts';
import { REPORT_FILES } from '../report-files.ts';

/** The page's file name in output_path. */
export const REPORT_PAGE_FILE = REPORT_FILES.page;

/** What happened to the page, as the run report records it. */
export type ReportPageOutcome = NonNullable<RunReport['report_html']>;

/** Renders and writes the page. Never throws or rejects; a failure is logged as a warning and returned. */
export async function writeReportPage(storage: Storage, input: ReportPageInput, log?: { warn(obj: object, msg: string): void }): Promise<ReportPageOutcome> {
  try {
    // A data-quality run's page is rendered straight away; the model-quality page (charts, metrics, estimate
    // sections) is loaded only by the runs that show it, so a data-quality run starts without those modules.
    const html =
      input.report.analysis_type === 'DATA_QUALITY' ? renderDataQualityReport(input.report, input.dataQuality) : (await import('./render-report-page.ts')).renderReportPage(input);
    await storage.writeFile(REPORT_PAGE_FILE, html);
    return { status: 'written', location: storage.describe(REPORT_PAGE_FILE), bytes: Buffer.byteLength(html) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // A page left by an earlier write of this run (a completed run's, before its monitoring_report.json failed on a
    // full disk) would contradict the report that follows: it goes, so the folder holds one run's story.
    try {
      await storage.remove(REPORT_PAGE_FILE);
    } catch {
      // Nothing more to do: the run report says the page failed.
    }
    try {
      log?.warn({ err: message }, `${REPORT_PAGE_FILE} could not be written; the job goes on without it`);
    } catch {
      // A failing logger must not fail the job either.
    }
    return { status: 'failed', error: message };
  }
}
