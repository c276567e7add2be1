/**
 * @module MPM_JOINED_RECORDS_OUTPUT=Enabled: the judged window's joined records (keys, time, prediction as
 * interpreted, label) streamed by the join into joined_records.parquet beside the reports, for pandas, DuckDB or
 * Athena. The join that feeds it runs on the main thread (a capture scan then reads on one thread).
 */
import { OutputError } from '../errors.ts';
import type { JoinStage } from '../join/join-stage.ts';
import type { Storage } from '../storage/storage.ts';
import type { JoinedRecordsWriter } from '../store/joined-records-writer.ts';
import type { RunContext } from './run-context.ts';
import { contractWindow } from './store-predictions.ts';

/** The joined records file of a run, as the run report gives it. */
export interface JoinedRecordsReport {
  location: string;
  rows: number;
  bytes: number;
}

/** The open joined-records file of a run. */
export interface JoinedRecordsOutput {
  writer: JoinedRecordsWriter;
  onJoined: NonNullable<JoinStage['onJoined']>;
}

/** Opens joined_records.parquet in the output (undefined unless MPM_JOINED_RECORDS_OUTPUT=Enabled). */
export async function openJoinedRecords(ctx: RunContext, output: Storage): Promise<JoinedRecordsOutput | undefined> {
  const { config, log } = ctx;
  if (!config.joinedRecordsOutput) return undefined;
  if (config.workers > 1) log.warn({ workers: config.workers }, 'MPM_JOINED_RECORDS_OUTPUT: the capture is read on one thread (the joined records are written by the main thread)');
  const window = contractWindow(config.window);
  let writer: JoinedRecordsWriter;
  // The writer (apache-arrow, parquet-wasm) is imported only by runs that write the file.
  const { JOINED_RECORDS_FILE, JoinedRecordsWriter: Writer } = await import('../store/joined-records-writer.ts');
  try {
    writer = await Writer.create(output, { problemType: config.problemType, window: { start: window.start_time, end: window.end_time }, endpoint: config.endpointName });
  } catch (error) {
    throw new OutputError(`output: cannot write ${JOINED_RECORDS_FILE} to ${output.location} (${(error as Error).message})`, { cause: error });
  }
  const onJoined: JoinedRecordsOutput['onJoined'] = (record, prediction, actual) => {
    writer.add({ id: record.id, idSource: record.idSource, eventId: record.eventId, inferenceTime: record.inferenceTime }, prediction, actual);
  };
  return { writer, onJoined };
}

/** Finishes the file (visible from now on). */
export async function closeJoinedRecords(output: Storage, joined: JoinedRecordsOutput): Promise<JoinedRecordsReport> {
  const { JOINED_RECORDS_FILE } = await import('../store/joined-records-writer.ts');
  try {
    const result = await joined.writer.close();
    return { location: output.describe(JOINED_RECORDS_FILE), rows: result.rows, bytes: result.bytes };
  } catch (error) {
    await joined.writer.abort().catch(() => undefined);
    throw new OutputError(`output: cannot write ${JOINED_RECORDS_FILE} to ${output.location} (${(error as Error).message})`, { cause: error });
  }
}
