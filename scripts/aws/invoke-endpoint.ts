/**
 * @module Sends multi-record requests to the endpoint (application/json arrays of records, each request with its
 * own InferenceId) and writes the matching ground truth in the layout the monitor reads:
 * {ground-truth-uri}/yyyy/mm/dd/hh/{run-id}.jsonl with one {"InferenceId", "payload_index", "groundTruthLabel"} row
 * per record (the seed's rows, one JSON object per line).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { InvokeEndpointCommand, type InvokeEndpointCommandOutput } from '@aws-sdk/client-sagemaker-runtime';
import { apiCall, type ApiCall } from './lib/api-call.ts';
import { compactStamp, NOW_OPTION, resolveNow } from './lib/clock.ts';
import { defineScript, runIfEntry } from './lib/define-script.ts';
import { ApiCallError, UsageError } from './lib/errors.ts';
import { formatGroundTruth, groundTruthLocation, groundTruthRows, type GroundTruthRow } from './lib/ground-truth.ts';
import { checkSageMakerName } from './lib/names.ts';
import { generateRecords, readRecordsFile, type LabelledRecords } from './lib/records-source.ts';
import { resolveLocation } from './lib/s3-layout.ts';
import { isS3Uri, parseS3Uri } from './lib/s3-uri.ts';

/** One planned request: its id and the slice of records it carries. */
interface PlannedRequest {
  inferenceId: string;
  call: ApiCall;
  labels: unknown[];
}

interface Prediction {
  payload_index?: unknown;
  label?: unknown;
  score?: unknown;
}

function positiveInteger(value: number, flag: string): number {
  if (!Number.isInteger(value) || value < 1) throw new UsageError(`--${flag}: ${value} is not a whole number >= 1`);
  return value;
}

/** Entry of invoke-endpoint: parses argv and returns the exit code (tests call it in-process). */
export const main = defineScript({
  name: 'invoke-endpoint',
  summary:
    'Sends multi-record requests (JSON arrays of records, one InferenceId each) and writes the ground truth as ' +
    'JSON Lines rows {"InferenceId", "payload_index", "groundTruthLabel"} to {ground-truth-uri}/yyyy/mm/dd/hh/' +
    '{run-id}.jsonl (hour = now, UTC; an s3:// URI or a local folder). Records come from --data-file, or from the ' +
    'covertype generator (--seed, --drift).',
  options: {
    'endpoint-name': { type: 'string', demandOption: true, describe: 'Endpoint name' },
    requests: { type: 'number', default: 100, describe: 'Number of requests (with --data-file: at most this many)' },
    'records-per-request': { type: 'number', default: 5, describe: 'Records in each request' },
    'data-file': { type: 'string', describe: 'Records to send: .csv with a header, or JSON Lines; default: generated' },
    'label-key': { type: 'string', default: 'Cover_Type', describe: 'Column or field of --data-file holding the label' },
    seed: { type: 'number', default: 1, describe: 'Generator seed' },
    drift: { type: 'number', default: 0, describe: 'Generator drift, 0 (training distribution) to 1 (strong drift)' },
    's3-prefix': { type: 'string', describe: 'Project prefix; ground truth defaults to {s3-prefix}/ground-truth/{endpoint}' },
    'ground-truth-uri': { type: 'string', describe: 'Ground-truth prefix: s3:// URI or local folder' },
    'ground-truth': { type: 'boolean', default: true, describe: 'Write the ground truth (--no-ground-truth: only invoke)' },
    'run-id': { type: 'string', describe: 'Prefix of the InferenceIds and name of the ground-truth file (default: the time, e.g. 20240502T132000Z)' },
    concurrency: { type: 'number', default: 4, describe: 'Requests in flight at once' },
    ...NOW_OPTION,
  },
  examples: [['$0 --endpoint-name mpm-covertype --s3-prefix s3://my-bucket/mpm --drift 0.5', '100 requests of 5 records, drifted']],
  async run(args, ctx) {
    const endpointName = checkSageMakerName(args['endpoint-name'], 'endpoint-name');
    const perRequest = positiveInteger(args['records-per-request'], 'records-per-request');
    const maxRequests = positiveInteger(args.requests, 'requests');
    const concurrency = positiveInteger(args.concurrency, 'concurrency');
    const now = resolveNow(args.now);
    const runId = args['run-id'] ?? compactStamp(now);
    // InferenceId: 1-64 printable characters; the request index is appended.
    if (!/^[\x21-\x7e]{1,50}$/.test(runId)) {
      throw new UsageError(`--run-id: ${JSON.stringify(runId)} must be 1-50 printable characters without spaces`);
    }
    const groundTruthUri = args['ground-truth']
      ? resolveLocation('ground-truth', args['ground-truth-uri'], args['s3-prefix'], endpointName, { allowLocal: true })
      : undefined;

    let data: LabelledRecords;
    if (args['data-file']) {
      data = await readRecordsFile(args['data-file'], args['label-key']);
    } else {
      if (!(args.drift >= 0 && args.drift <= 1)) throw new UsageError(`--drift: ${args.drift} is not between 0 and 1`);
      data = await generateRecords({ n: maxRequests * perRequest, seed: args.seed, drift: args.drift });
    }

    const planned: PlannedRequest[] = [];
    for (let start = 0; start < data.records.length && planned.length < maxRequests; start += perRequest) {
      const inferenceId = `${runId}-${planned.length}`;
      const records = data.records.slice(start, start + perRequest);
      planned.push({
        inferenceId,
        labels: data.labels.slice(start, start + perRequest),
        call: apiCall(
          'sagemaker-runtime',
          new InvokeEndpointCommand({
            EndpointName: endpointName,
            ContentType: 'application/json',
            Accept: 'application/json',
            InferenceId: inferenceId,
            Body: JSON.stringify(records),
          }),
        ),
      });
    }
    const groundTruthFor = (requests: readonly PlannedRequest[]): GroundTruthRow[] =>
      requests.flatMap((request) => groundTruthRows(request.inferenceId, request.labels));
    const location = groundTruthUri ? groundTruthLocation(groundTruthUri, now, runId) : undefined;
    const putGroundTruth = (body: string): ApiCall => {
      const { bucket, key } = parseS3Uri(location!, '--ground-truth-uri');
      return apiCall('s3', new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'application/x-ndjson' }));
    };

    if (ctx.dryRun) {
      const body = formatGroundTruth(groundTruthFor(planned));
      const toS3 = location !== undefined && isS3Uri(location);
      ctx.printPlan([...planned.map((p) => p.call), ...(toS3 ? [putGroundTruth(body)] : [])], {
        ...(location && !toS3 ? { localGroundTruthFile: { path: location, content: body } } : {}),
      });
      return;
    }

    const aws = await ctx.connect();
    const done: PlannedRequest[] = [];
    let predicted = 0;
    let agreeing = 0;
    let failure: unknown;
    let next = 0;
    const worker = async () => {
      while (failure === undefined && next < planned.length) {
        const request = planned[next++]!;
        try {
          const out = (await aws.send(request.call)) as InvokeEndpointCommandOutput;
          const text = Buffer.from(out.Body ?? new Uint8Array()).toString('utf8');
          let predictions: Prediction[];
          try {
            predictions = JSON.parse(text) as Prediction[];
          } catch (cause) {
            throw new ApiCallError(`InvokeEndpoint ${request.inferenceId}: the response is not JSON: ${text.slice(0, 200)}`, { cause });
          }
          if (!Array.isArray(predictions) || predictions.length !== request.labels.length) {
            throw new ApiCallError(
              `InvokeEndpoint ${request.inferenceId}: expected a JSON array of ${request.labels.length} predictions, got ` +
                `${Array.isArray(predictions) ? `${predictions.length} items` : typeof predictions}`,
            );
          }
          predictions.forEach((p, i) => {
            predicted += 1;
            if (p?.label === request.labels[i]) agreeing += 1;
          });
          done.push(request);
        } catch (err) {
          failure ??= err;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, planned.length) }, worker));
    ctx.log(`${done.length} of ${planned.length} requests answered, ${predicted} predictions`);

    // Labels only for requests that reached the endpoint (and so its capture), in request order.
    const order = new Map(planned.map((p, i) => [p, i]));
    done.sort((a, b) => order.get(a)! - order.get(b)!);
    if (location && done.length > 0) {
      const body = formatGroundTruth(groundTruthFor(done));
      if (isS3Uri(location)) {
        await aws.send(putGroundTruth(body));
      } else {
        await mkdir(dirname(location), { recursive: true });
        await writeFile(location, body);
      }
      ctx.log(`wrote ${groundTruthFor(done).length} ground-truth rows to ${location}`);
    }
    if (failure !== undefined) throw failure;
    ctx.printJson({
      endpointName,
      runId,
      requests: done.length,
      records: predicted,
      // Share of predictions equal to the label: a first look; the monitor computes the real metrics.
      agreement: predicted > 0 ? agreeing / predicted : null,
      inferenceIds: done.length > 0 ? [done[0]!.inferenceId, done[done.length - 1]!.inferenceId] : [],
      groundTruth: location ?? null,
    });
  },
});

runIfEntry(import.meta.url, main);
