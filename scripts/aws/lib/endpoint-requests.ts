/**
 * @module The three requests that put the serving image behind a SageMaker endpoint with data capture on:
 * CreateModel, CreateEndpointConfig (with DataCaptureConfig) and CreateEndpoint, plus their deletes.
 */
import type {
  CreateEndpointConfigInput,
  CreateEndpointInput,
  CreateModelInput,
  ProductionVariantInstanceType,
} from '@aws-sdk/client-sagemaker';

/** Names of the three resources of one deployment. */
export interface EndpointNames {
  endpointName: string;
  /** Default `<endpoint>-config`. */
  endpointConfigName: string;
  /** Default `<endpoint>-model`. */
  modelName: string;
  /** Default "AllTraffic", the name SageMaker's SDKs use. */
  variantName: string;
}

/** Everything deploy-endpoint needs, checked. */
export interface EndpointSpec extends EndpointNames {
  /** ECR URI of the serving image (Dockerfile.serving). */
  imageUri: string;
  /** s3:// of model.tar.gz, unpacked to /opt/ml/model; omitted when the image carries its model. */
  modelDataUrl?: string;
  /** Role SageMaker assumes to pull the image and read the model. */
  executionRoleArn: string;
  /** Default ml.m5.large, as in the blog post. */
  instanceType: string;
  /** Default 1. */
  instanceCount: number;
  /** Capture destination; SageMaker writes {endpoint}/{variant}/yyyy/mm/dd/hh/*.jsonl below it. */
  captureUri: string;
  /** Default 100: every request is captured, so every labelled record can be joined. */
  samplingPercentage: number;
  /** Content types captured as text (not base64). Default ["text/csv"]. */
  csvContentTypes: string[];
  /** Default ["application/json"]: the serving image's request and response type. */
  jsonContentTypes: string[];
  /** Extra container environment. */
  environment: Record<string, string>;
}

/** Default names derived from the endpoint name. */
export function defaultEndpointNames(endpointName: string): EndpointNames {
  return {
    endpointName,
    endpointConfigName: `${endpointName}-config`,
    modelName: `${endpointName}-model`,
    variantName: 'AllTraffic',
  };
}

/** CreateModel: the serving image, its model data and the execution role. */
export function buildCreateModel(spec: EndpointSpec): CreateModelInput {
  return {
    ModelName: spec.modelName,
    ExecutionRoleArn: spec.executionRoleArn,
    PrimaryContainer: {
      Image: spec.imageUri,
      Mode: 'SingleModel',
      ...(spec.modelDataUrl ? { ModelDataUrl: spec.modelDataUrl } : {}),
      ...(Object.keys(spec.environment).length > 0 ? { Environment: spec.environment } : {}),
    },
  };
}

/** CreateEndpointConfig: one variant, and data capture of inputs and outputs as text. */
export function buildCreateEndpointConfig(spec: EndpointSpec): CreateEndpointConfigInput {
  return {
    EndpointConfigName: spec.endpointConfigName,
    ProductionVariants: [
      {
        VariantName: spec.variantName,
        ModelName: spec.modelName,
        InstanceType: spec.instanceType as ProductionVariantInstanceType,
        InitialInstanceCount: spec.instanceCount,
        InitialVariantWeight: 1,
      },
    ],
    DataCaptureConfig: {
      EnableCapture: true,
      InitialSamplingPercentage: spec.samplingPercentage,
      DestinationS3Uri: spec.captureUri,
      CaptureOptions: [{ CaptureMode: 'Input' }, { CaptureMode: 'Output' }],
      // Without this header SageMaker base64-encodes every payload; listing our types keeps them readable text.
      CaptureContentTypeHeader: { CsvContentTypes: spec.csvContentTypes, JsonContentTypes: spec.jsonContentTypes },
    },
  };
}

/** CreateEndpoint from the endpoint config. */
export function buildCreateEndpoint(spec: EndpointNames): CreateEndpointInput {
  return { EndpointName: spec.endpointName, EndpointConfigName: spec.endpointConfigName };
}
