/**
 * @module Deletes what deploy-endpoint created: the endpoint, its endpoint config and its model. Missing resources
 * are skipped, so the script can be rerun after a partial cleanup. Capture and ground truth stay in S3 (see
 * docs/aws.md for `aws s3 rm`). A monitoring schedule on the endpoint must be deleted first.
 */
import { DeleteEndpointCommand, DeleteEndpointConfigCommand, DeleteModelCommand } from '@aws-sdk/client-sagemaker';
import { apiCall, operationName } from './lib/api-call.ts';
import { defineScript, runIfEntry } from './lib/define-script.ts';
import { defaultEndpointNames } from './lib/endpoint-requests.ts';
import { checkSageMakerName } from './lib/names.ts';
import { isNotFound } from './lib/not-found.ts';

/** Entry of delete-endpoint: parses argv and returns the exit code (tests call it in-process). */
export const main = defineScript({
  name: 'delete-endpoint',
  summary:
    'Deletes the endpoint, its endpoint config and its model (names as deploy-endpoint derives them unless given). ' +
    'Resources already gone are skipped. Delete the monitoring schedule first: SageMaker refuses to delete an ' +
    'endpoint that a schedule monitors.',
  options: {
    'endpoint-name': { type: 'string', demandOption: true, describe: 'Endpoint name' },
    'model-name': { type: 'string', describe: 'Model name (default {endpoint-name}-model)' },
    'endpoint-config-name': { type: 'string', describe: 'Endpoint config name (default {endpoint-name}-config)' },
  },
  async run(args, ctx) {
    const endpointName = checkSageMakerName(args['endpoint-name'], 'endpoint-name');
    const names = defaultEndpointNames(endpointName);
    const configName = checkSageMakerName(args['endpoint-config-name'] ?? names.endpointConfigName, 'endpoint-config-name');
    const modelName = checkSageMakerName(args['model-name'] ?? names.modelName, 'model-name');
    const calls = [
      apiCall('sagemaker', new DeleteEndpointCommand({ EndpointName: endpointName })),
      apiCall('sagemaker', new DeleteEndpointConfigCommand({ EndpointConfigName: configName })),
      apiCall('sagemaker', new DeleteModelCommand({ ModelName: modelName })),
    ];
    if (ctx.dryRun) {
      ctx.printPlan(calls);
      return;
    }
    const aws = await ctx.connect();
    const results: Record<string, 'deleted' | 'not found'> = {};
    for (const call of calls) {
      const what = `${operationName(call.command).replace(/^Delete/, '')} ${Object.values(call.command.input)[0]}`;
      try {
        await aws.send(call);
        results[what] = 'deleted';
        ctx.log(`deleted ${what}`);
      } catch (err) {
        if (!isNotFound(err)) throw err;
        results[what] = 'not found';
        ctx.log(`${what} not found, skipped`);
      }
    }
    ctx.printJson(results);
  },
});

runIfEntry(import.meta.url, main);
