/**
 * @module Deploys the serving image as a SageMaker endpoint with data capture: CreateModel, CreateEndpointConfig
 * (100% sampling, JSON and CSV listed as capture content types so payloads are stored as text) and CreateEndpoint.
 */
import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  DescribeEndpointCommand,
  type DescribeEndpointCommandOutput,
} from '@aws-sdk/client-sagemaker';
import { apiCall } from './lib/api-call.ts';
import { defineScript, runIfEntry } from './lib/define-script.ts';
import {
  buildCreateEndpoint,
  buildCreateEndpointConfig,
  buildCreateModel,
  defaultEndpointNames,
  type EndpointSpec,
} from './lib/endpoint-requests.ts';
import { UsageError } from './lib/errors.ts';
import { parseKeyValues } from './lib/key-values.ts';
import { checkRoleArn, checkSageMakerName } from './lib/names.ts';
import { pollUntil } from './lib/poll.ts';
import { resolveLocation } from './lib/s3-layout.ts';
import { parseS3Uri } from './lib/s3-uri.ts';

/** Entry of deploy-endpoint: parses argv and returns the exit code (tests call it in-process). */
export const main = defineScript({
  name: 'deploy-endpoint',
  summary:
    'Creates the model, the endpoint config with data capture (100% sampling; JSON and CSV captured as text) and ' +
    'the endpoint from the serving image. Capture lands in {capture-uri}/{endpoint}/{variant}/yyyy/mm/dd/hh/.',
  options: {
    'endpoint-name': { type: 'string', demandOption: true, describe: 'Endpoint name' },
    'image-uri': { type: 'string', demandOption: true, describe: 'ECR URI of the serving image (Dockerfile.serving)' },
    'role-arn': { type: 'string', demandOption: true, describe: 'SageMaker execution role (pulls the image, reads the model)' },
    'model-data-url': { type: 'string', describe: 's3:// of model.tar.gz, unpacked to /opt/ml/model (omit when the image has its model)' },
    's3-prefix': { type: 'string', describe: 'Project prefix; capture defaults to {s3-prefix}/data-capture' },
    'capture-uri': { type: 'string', describe: 'Capture destination (default {s3-prefix}/data-capture)' },
    'sampling-percentage': { type: 'number', default: 100, describe: 'Share of requests captured (0-100)' },
    'capture-json-content-type': { type: 'array', string: true, default: ['application/json'], describe: 'Content types captured as JSON text' },
    'capture-csv-content-type': { type: 'array', string: true, default: ['text/csv'], describe: 'Content types captured as CSV text' },
    'instance-type': { type: 'string', default: 'ml.m5.large', describe: 'Endpoint instance type' },
    'instance-count': { type: 'number', default: 1, describe: 'Endpoint instance count' },
    'model-name': { type: 'string', describe: 'Model name (default {endpoint-name}-model)' },
    'endpoint-config-name': { type: 'string', describe: 'Endpoint config name (default {endpoint-name}-config)' },
    'variant-name': { type: 'string', default: 'AllTraffic', describe: 'Production variant name' },
    env: { type: 'array', string: true, describe: 'Container environment entry KEY=VALUE (repeatable)' },
    wait: { type: 'boolean', default: false, describe: 'Wait until the endpoint is InService (about 5-10 minutes)' },
    'wait-timeout': { type: 'number', default: 1800, describe: 'Seconds --wait gives up after' },
  },
  examples: [
    [
      '$0 --endpoint-name mpm-covertype --image-uri 123456789012.dkr.ecr.us-east-1.amazonaws.com/mpm-serving:latest ' +
        '--role-arn arn:aws:iam::123456789012:role/mpm-sagemaker --s3-prefix s3://my-bucket/mpm --wait',
      'deploy with capture to s3://my-bucket/mpm/data-capture',
    ],
  ],
  async run(args, ctx) {
    const endpointName = checkSageMakerName(args['endpoint-name'], 'endpoint-name');
    const names = defaultEndpointNames(endpointName);
    const sampling = args['sampling-percentage'];
    if (!Number.isInteger(sampling) || sampling < 0 || sampling > 100) {
      throw new UsageError(`--sampling-percentage: ${sampling} is not an integer from 0 to 100`);
    }
    const count = args['instance-count'];
    if (!Number.isInteger(count) || count < 1) throw new UsageError(`--instance-count: ${count} is not a whole number >= 1`);
    if (args['model-data-url']) parseS3Uri(args['model-data-url'], '--model-data-url');
    const spec: EndpointSpec = {
      ...names,
      modelName: checkSageMakerName(args['model-name'] ?? names.modelName, 'model-name'),
      endpointConfigName: checkSageMakerName(args['endpoint-config-name'] ?? names.endpointConfigName, 'endpoint-config-name'),
      variantName: checkSageMakerName(args['variant-name'], 'variant-name'),
      imageUri: args['image-uri'],
      modelDataUrl: args['model-data-url'],
      executionRoleArn: checkRoleArn(args['role-arn'], 'role-arn'),
      instanceType: args['instance-type'],
      instanceCount: count,
      captureUri: resolveLocation('capture', args['capture-uri'], args['s3-prefix'], endpointName),
      samplingPercentage: sampling,
      csvContentTypes: args['capture-csv-content-type'].map(String),
      jsonContentTypes: args['capture-json-content-type'].map(String),
      environment: parseKeyValues(args.env, 'env'),
    };
    const calls = [
      apiCall('sagemaker', new CreateModelCommand(buildCreateModel(spec))),
      apiCall('sagemaker', new CreateEndpointConfigCommand(buildCreateEndpointConfig(spec))),
      apiCall('sagemaker', new CreateEndpointCommand(buildCreateEndpoint(spec))),
    ];
    if (ctx.dryRun) {
      ctx.printPlan(calls);
      return;
    }
    const aws = await ctx.connect();
    const arns: string[] = [];
    for (const call of calls) {
      const out = (await aws.send(call)) as Record<string, unknown>;
      const arn = String(out.ModelArn ?? out.EndpointConfigArn ?? out.EndpointArn ?? '');
      arns.push(arn);
      ctx.log(`created ${arn}`);
    }
    let status = 'Creating';
    if (args.wait) {
      ctx.log(`waiting for ${endpointName} to be InService (up to ${args['wait-timeout']} s)`);
      await pollUntil(
        async () => {
          const out = (await aws.send(
            apiCall('sagemaker', new DescribeEndpointCommand({ EndpointName: endpointName })),
          )) as DescribeEndpointCommandOutput;
          if (out.EndpointStatus === 'InService') return { done: true };
          if (out.EndpointStatus === 'Failed') return { failed: `Failed: ${out.FailureReason ?? 'no reason given'}` };
          return { state: out.EndpointStatus ?? 'unknown' };
        },
        {
          what: `endpoint ${endpointName}`,
          timeoutSeconds: args['wait-timeout'],
          intervalSeconds: 30,
          onState: (state) => ctx.log(`endpoint ${endpointName} is ${state}`),
        },
      );
      status = 'InService';
    }
    ctx.printJson({
      endpointName,
      endpointConfigName: spec.endpointConfigName,
      modelName: spec.modelName,
      variantName: spec.variantName,
      captureUri: spec.captureUri,
      status,
      arns,
    });
  },
});

runIfEntry(import.meta.url, main);
