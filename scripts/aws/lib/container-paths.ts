/**
 * @module The monitor container's paths (SageMaker's processing contract), shared by both monitoring ways so that
 * the image sees the same layout under Model Monitor and under a plain processing job.
 */

/** Capture mount: {endpoint}/{variant}/yyyy/mm/dd/hh/*.jsonl below it (the monitor's dataset_source default). */
export const CAPTURE_LOCAL_PATH = '/opt/ml/processing/input/endpoint';
/** Report folder, uploaded to S3 when the job ends (the monitor's output_path default). */
export const OUTPUT_LOCAL_PATH = '/opt/ml/processing/output';
/** Baseline constraints folder; the file is constraints.json inside it. */
export const CONSTRAINTS_LOCAL_DIR = '/opt/ml/processing/baseline/constraints';
/** Baseline statistics folder; the file is statistics.json inside it. */
export const STATISTICS_LOCAL_DIR = '/opt/ml/processing/baseline/stats';
/** dataset_format for endpoint capture, as Model Monitor sets it for endpoint inputs. */
export const CAPTURE_DATASET_FORMAT = '{"sagemakerCaptureJson":{"captureIndexNames":["endpointInput","endpointOutput"]}}';
