/**
 * @module A loopback HTTP server (127.0.0.1, port 0) standing in for SageMaker, SageMaker Runtime, S3 and
 * EventBridge Scheduler. The scripts' real SDK clients send to it (--endpoint-url); it records each request, decodes
 * it back into the operation's input with the SDK's own schemas (AWS JSON 1.1 by X-Amz-Target, REST by method and
 * URI template), and answers with a plausible response that a test can override.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as s3 from '@aws-sdk/client-s3';
import * as sagemaker from '@aws-sdk/client-sagemaker';
import * as runtime from '@aws-sdk/client-sagemaker-runtime';
import * as scheduler from '@aws-sdk/client-scheduler';
import { memberTraits, operationHttp, operationInput, structShape } from './schema-check.ts';

export type ServiceId = 'sagemaker' | 'sagemaker-runtime' | 's3' | 'scheduler';

/** A request as it arrived. */
export interface RawRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  body: Buffer;
}

/** A request decoded back into what the SDK was asked to send. */
export interface DecodedRequest {
  service: ServiceId;
  operation: string;
  /** The operation's input members, from body, path, query and headers. */
  input: Record<string, unknown>;
  /** Service name and region of the SigV4 credential scope. */
  signing: { service: string; region: string } | undefined;
  raw: RawRequest;
}

export interface FakeResponse {
  status?: number;
  headers?: Record<string, string>;
  /** Serialised as JSON. */
  json?: unknown;
  /** Raw body, when not JSON. */
  body?: string;
}

export type Responder = (request: DecodedRequest) => FakeResponse;

const MODULES: Record<ServiceId, Record<string, unknown>> = {
  sagemaker: sagemaker as Record<string, unknown>,
  'sagemaker-runtime': runtime as Record<string, unknown>,
  s3: s3 as Record<string, unknown>,
  scheduler: scheduler as Record<string, unknown>,
};

/** The static operation schema of an operation, e.g. `CreateEndpointConfig$` of @aws-sdk/client-sagemaker. */
export function operationSchema(service: ServiceId, operation: string): unknown {
  const schema = MODULES[service][`${operation}$`];
  if (!schema) throw new Error(`no operation schema ${operation}$ in the ${service} client`);
  return schema;
}

const ACCOUNT = '123456789012';
const arn = (region: string, resource: string) => `arn:aws:sagemaker:${region}:${ACCOUNT}:${resource}`;
const EPOCH = 1714650000; // 2024-05-02T11:40:00Z

/** Plausible successful answers for every operation the scripts use. */
function defaultResponse(req: DecodedRequest): FakeResponse {
  const region = req.signing?.region ?? 'us-east-1';
  const i = req.input;
  switch (`${req.service}:${req.operation}`) {
    case 'sagemaker:CreateModel':
      return { json: { ModelArn: arn(region, `model/${String(i.ModelName).toLowerCase()}`) } };
    case 'sagemaker:CreateEndpointConfig':
      return { json: { EndpointConfigArn: arn(region, `endpoint-config/${String(i.EndpointConfigName).toLowerCase()}`) } };
    case 'sagemaker:CreateEndpoint':
      return { json: { EndpointArn: arn(region, `endpoint/${String(i.EndpointName).toLowerCase()}`) } };
    case 'sagemaker:DescribeEndpoint':
      return {
        json: {
          EndpointName: i.EndpointName,
          EndpointArn: arn(region, `endpoint/${String(i.EndpointName).toLowerCase()}`),
          EndpointConfigName: `${String(i.EndpointName)}-config`,
          EndpointStatus: 'InService',
          CreationTime: EPOCH,
          LastModifiedTime: EPOCH,
        },
      };
    case 'sagemaker:CreateMonitoringSchedule':
      return { json: { MonitoringScheduleArn: arn(region, `monitoring-schedule/${String(i.MonitoringScheduleName).toLowerCase()}`) } };
    case 'sagemaker:DescribeMonitoringSchedule':
      return {
        json: {
          MonitoringScheduleArn: arn(region, `monitoring-schedule/${String(i.MonitoringScheduleName).toLowerCase()}`),
          MonitoringScheduleName: i.MonitoringScheduleName,
          MonitoringScheduleStatus: 'Scheduled',
          MonitoringType: 'DataQuality',
          CreationTime: EPOCH,
          LastModifiedTime: EPOCH,
          EndpointName: 'mpm-covertype',
          MonitoringScheduleConfig: {
            ScheduleConfig: { ScheduleExpression: 'cron(0 * ? * * *)' },
            MonitoringJobDefinition: {
              MonitoringAppSpecification: { ImageUri: `${ACCOUNT}.dkr.ecr.${region}.amazonaws.com/mpm-monitor:latest` },
            },
          },
        },
      };
    case 'sagemaker:ListMonitoringExecutions':
      return {
        json: {
          MonitoringExecutionSummaries: [
            {
              MonitoringScheduleName: i.MonitoringScheduleName,
              ScheduledTime: 1714651200,
              CreationTime: 1714651260,
              LastModifiedTime: 1714651800,
              MonitoringExecutionStatus: 'CompletedWithViolations',
              ProcessingJobArn: arn(region, 'processing-job/model-monitoring-202405021200-0123456789abcdef01234567'),
              EndpointName: 'mpm-covertype',
              MonitoringType: 'DataQuality',
            },
          ],
        },
      };
    case 'sagemaker:DescribeProcessingJob':
      return {
        json: {
          ProcessingJobName: i.ProcessingJobName,
          ProcessingJobArn: arn(region, `processing-job/${String(i.ProcessingJobName)}`),
          ProcessingJobStatus: 'Completed',
          ExitMessage: 'CompletedWithViolations: accuracy 0.61 is below the baseline threshold 0.8',
          ProcessingOutputConfig: {
            Outputs: [
              {
                OutputName: 'monitoring_output',
                S3Output: {
                  S3Uri: 's3://my-bucket/mpm/reports/mpm-covertype/mpm-covertype-mpm/2024/05/02/12',
                  LocalPath: '/opt/ml/processing/output',
                  S3UploadMode: 'EndOfJob',
                },
              },
            ],
          },
          ProcessingResources: { ClusterConfig: { InstanceCount: 1, InstanceType: 'ml.m5.xlarge', VolumeSizeInGB: 30 } },
          AppSpecification: { ImageUri: `${ACCOUNT}.dkr.ecr.${region}.amazonaws.com/mpm-monitor:latest` },
          CreationTime: 1714651260,
        },
      };
    case 'sagemaker:ListProcessingJobs':
      return {
        json: {
          ProcessingJobSummaries: [
            {
              ProcessingJobName: `${String(i.NameContains)}d32c5kddcf5bb8c3`,
              ProcessingJobArn: arn(region, `processing-job/${String(i.NameContains)}d32c5kddcf5bb8c3`),
              CreationTime: 1714651205,
              ProcessingJobStatus: 'Completed',
            },
            {
              // A job whose name merely contains the prefix: the script must leave it out.
              ProcessingJobName: `other-${String(i.NameContains)}x`,
              ProcessingJobArn: arn(region, `processing-job/other-${String(i.NameContains)}x`),
              CreationTime: 1714651100,
              ProcessingJobStatus: 'Completed',
            },
          ],
        },
      };
    case 'sagemaker:DeleteEndpoint':
    case 'sagemaker:DeleteEndpointConfig':
    case 'sagemaker:DeleteModel':
    case 'sagemaker:DeleteMonitoringSchedule':
      return { json: {} };
    case 'sagemaker-runtime:InvokeEndpoint': {
      // The serving image's answer: one {"payload_index", "label", "score"} per record of the request.
      const records = JSON.parse(String(i.Body)) as unknown[];
      return {
        headers: { 'content-type': 'application/json', 'x-amzn-invoked-production-variant': 'AllTraffic' },
        body: JSON.stringify(records.map((_, k) => ({ payload_index: k, label: k % 2, score: 0.9 }))),
      };
    }
    case 's3:PutObject':
      return { headers: { etag: '"0123456789abcdef0123456789abcdef"' }, body: '' };
    case 'scheduler:CreateSchedule':
      return { json: { ScheduleArn: `arn:aws:scheduler:${region}:${ACCOUNT}:schedule/${String(i.GroupName ?? 'default')}/${String(i.Name)}` } };
    case 'scheduler:GetSchedule':
      return {
        json: {
          Arn: `arn:aws:scheduler:${region}:${ACCOUNT}:schedule/default/${String(i.Name)}`,
          Name: i.Name,
          GroupName: i.GroupName ?? 'default',
          State: 'ENABLED',
          ScheduleExpression: 'cron(0 * ? * * *)',
          ScheduleExpressionTimezone: 'UTC',
          FlexibleTimeWindow: { Mode: 'OFF' },
          Target: { Arn: 'arn:aws:scheduler:::aws-sdk:sagemaker:createProcessingJob', RoleArn: `arn:aws:iam::${ACCOUNT}:role/mpm-scheduler` },
          CreationDate: EPOCH,
        },
      };
    case 'scheduler:DeleteSchedule':
      return { json: {} };
    default:
      return { status: 400, json: { __type: 'UnknownOperationException', message: `fake: no answer for ${req.operation}` } };
  }
}

function templateRegex(template: string): { regex: RegExp; labels: string[]; query: [string, string][] } {
  const [path, query = ''] = template.split('?');
  const labels: string[] = [];
  const pattern = (path as string).replace(/\{(\w+)(\+?)\}|[^{]+/g, (part, name: string | undefined, greedy: string) => {
    if (!name) return part.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
    labels.push(name);
    return greedy ? '(.+)' : '([^/]+)';
  });
  const pairs = query === '' ? [] : query.split('&').map((kv) => kv.split('=') as [string, string]);
  return { regex: new RegExp(`^${pattern}$`), labels, query: pairs };
}

function decodeRest(service: ServiceId, raw: RawRequest): { operation: string; input: Record<string, unknown> } {
  for (const [key, value] of Object.entries(MODULES[service])) {
    if (!key.endsWith('$') || !Array.isArray(value) || value[0] !== 9) continue;
    const http = operationHttp(value);
    if (!http || http[0] !== raw.method) continue;
    // Path-style S3 (the scripts set forcePathStyle with --endpoint-url): the bucket is the first path segment.
    const template = service === 's3' ? `/{Bucket}${http[1] === '/' ? '' : http[1]}` : http[1];
    const { regex, labels, query } = templateRegex(template);
    const m = regex.exec(raw.path);
    if (!m || !query.every(([k, v]) => raw.query.get(k) === (v ?? ''))) continue;
    const labelValues = Object.fromEntries(labels.map((name, j) => [name, decodeURIComponent(m[j + 1] as string)]));
    const input: Record<string, unknown> = {};
    const shape = structShape(operationInput(value));
    const bodyText = raw.body.toString('utf8');
    let bodyJson: Record<string, unknown> | undefined;
    for (const member of shape.members) {
      const traits = memberTraits(member.schema);
      let v: unknown;
      if (traits.httpLabel) v = labelValues[member.name];
      else if (typeof traits.httpHeader === 'string') {
        // Content-Length is the HTTP layer's, not the caller's.
        if (traits.httpHeader.toLowerCase() !== 'content-length') v = raw.headers[traits.httpHeader.toLowerCase()];
      } else if (typeof traits.httpQuery === 'string') v = raw.query.get(traits.httpQuery) ?? undefined;
      else if (traits.httpPayload) v = bodyText === '' ? undefined : bodyText;
      else if (traits.httpPrefixHeaders || traits.httpQueryParams) v = undefined;
      else {
        bodyJson ??= bodyText === '' ? {} : (JSON.parse(bodyText) as Record<string, unknown>);
        v = bodyJson[member.name];
      }
      if (v !== undefined) input[member.name] = v;
    }
    return { operation: key.slice(0, -1), input };
  }
  throw new Error(`fake ${service}: no operation matches ${raw.method} ${raw.path}?${raw.query}`);
}

/** Decodes a raw request into service, operation and input. */
export function decodeRequest(raw: RawRequest): DecodedRequest {
  const auth = /Credential=[^/]+\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(raw.headers.authorization ?? '');
  const signing = auth ? { region: auth[1] as string, service: auth[2] as string } : undefined;
  const target = raw.headers['x-amz-target'];
  if (target?.startsWith('SageMaker.')) {
    return { service: 'sagemaker', operation: target.slice('SageMaker.'.length), input: JSON.parse(raw.body.toString('utf8')), signing, raw };
  }
  const service: ServiceId = raw.path.startsWith('/endpoints/')
    ? 'sagemaker-runtime'
    : raw.path.startsWith('/schedules') || raw.path.startsWith('/schedule-groups')
      ? 'scheduler'
      : 's3';
  return { service, ...decodeRest(service, raw), signing, raw };
}

export interface LoopbackAws {
  /** http://127.0.0.1:<port> */
  url: string;
  /** Every request received, decoded, in arrival order. */
  requests: DecodedRequest[];
  /** Replaces the answer to one operation. */
  respond(service: ServiceId, operation: string, responder: Responder): void;
  /** Forgets the recorded requests and the replaced answers. */
  reset(): void;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Starts the fake on 127.0.0.1 with an ephemeral port. */
export async function startLoopbackAws(): Promise<LoopbackAws> {
  const overrides = new Map<string, Responder>();
  const requests: DecodedRequest[] = [];
  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
      const raw: RawRequest = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers, body: await readBody(req) };
      let answer: FakeResponse;
      let service: ServiceId = 'sagemaker';
      try {
        const decoded = decodeRequest(raw);
        service = decoded.service;
        requests.push(decoded);
        answer = (overrides.get(`${decoded.service}:${decoded.operation}`) ?? defaultResponse)(decoded);
      } catch (err) {
        answer = { status: 400, json: { __type: 'SerializationException', message: (err as Error).message } };
      }
      const json = service === 'sagemaker' ? 'application/x-amz-json-1.1' : 'application/json';
      const body = answer.json !== undefined ? JSON.stringify(answer.json) : (answer.body ?? '');
      const status = answer.status ?? 200;
      const errorType = status >= 300 && answer.json && typeof answer.json === 'object' ? (answer.json as { __type?: string }).__type : undefined;
      res.writeHead(status, {
        'content-type': json,
        'x-amzn-requestid': `req-${requests.length}`,
        ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
        ...answer.headers,
        'content-length': Buffer.byteLength(body),
      });
      res.end(body);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    respond: (service, operation, responder) => overrides.set(`${service}:${operation}`, responder),
    reset: () => {
      requests.length = 0;
      overrides.clear();
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
