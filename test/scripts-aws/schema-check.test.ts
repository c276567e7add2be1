/**
 * The request checker the other tests rely on: it must find what is wrong, or their passing would mean nothing.
 */
import { CreateEndpointConfigInput$, CreateProcessingJobRequest$ } from '@aws-sdk/client-sagemaker';
import { CreateScheduleInput$ } from '@aws-sdk/client-scheduler';
import { describe, expect, it } from 'vitest';
import { checkAgainstSchema, requiredMembers } from './helpers/schema-check.ts';

const validConfig = {
  EndpointConfigName: 'c',
  ProductionVariants: [{ VariantName: 'AllTraffic', ModelName: 'm', InstanceType: 'ml.m5.large', InitialInstanceCount: 1 }],
  DataCaptureConfig: {
    EnableCapture: true,
    InitialSamplingPercentage: 100,
    DestinationS3Uri: 's3://b/c',
    CaptureOptions: [{ CaptureMode: 'Input' }, { CaptureMode: 'Output' }],
    CaptureContentTypeHeader: { CsvContentTypes: ['text/csv'], JsonContentTypes: ['application/json'] },
  },
};

describe('checkAgainstSchema', () => {
  it('reads the required members from the SDK model', () => {
    expect(requiredMembers(CreateEndpointConfigInput$)).toEqual(['EndpointConfigName', 'ProductionVariants']);
    expect(requiredMembers(CreateScheduleInput$)).toEqual(['Name', 'ScheduleExpression', 'Target', 'FlexibleTimeWindow']);
    expect(requiredMembers(CreateProcessingJobRequest$)).toEqual(['ProcessingJobName', 'ProcessingResources', 'AppSpecification', 'RoleArn']);
  });

  it('accepts a valid request', () => {
    expect(checkAgainstSchema(CreateEndpointConfigInput$, validConfig)).toEqual([]);
  });

  it('reports a missing required member at any depth', () => {
    const bad = structuredClone(validConfig) as Record<string, any>;
    delete bad.DataCaptureConfig.DestinationS3Uri;
    delete bad.ProductionVariants[0].VariantName;
    expect(checkAgainstSchema(CreateEndpointConfigInput$, bad)).toEqual([
      '$.ProductionVariants[0].VariantName: required member of ProductionVariant is missing',
      '$.DataCaptureConfig.DestinationS3Uri: required member of DataCaptureConfig is missing',
    ]);
  });

  it('reports an unknown (misspelt) member and a wrong type', () => {
    const bad = structuredClone(validConfig) as Record<string, any>;
    bad.DataCaptureConfig.CaptureContentTypeHeaders = bad.DataCaptureConfig.CaptureContentTypeHeader;
    bad.DataCaptureConfig.InitialSamplingPercentage = '100';
    expect(checkAgainstSchema(CreateEndpointConfigInput$, bad)).toEqual([
      '$.DataCaptureConfig.InitialSamplingPercentage: expected a number, got string',
      '$.DataCaptureConfig.CaptureContentTypeHeaders: not a member of DataCaptureConfig',
    ]);
  });
});
