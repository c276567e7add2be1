/**
 * @module How a multi-instance job's inputs reach its hosts, and which capture files each host reads. SageMaker gives
 * every instance every object of an input whose S3DataDistributionType is FullyReplicated (the default, and Model
 * Monitor's EndpointInput default), and deals whole objects between the instances under ShardedByS3Key. A capture
 * that reaches every host whole (a FullyReplicated input mounted at or under dataset_source, or a dataset_source
 * that is an s3:// URI each host of a processing job lists itself) is dealt by the hosts themselves: in path order,
 * the k-th such file goes to hosts[k mod N]. Without that, N hosts would each count the whole capture and the leader's
 * merge would count every record N times. Ground truth must reach every host whole: a sharded ground-truth input is
 * refused. Inputs are read from processingjobconfig.json (its ProcessingInputs; the hosts of a job, which it names,
 * share one environment); without a job (docker run, the CLI) each host is taken to have been given its own shard,
 * as before, an s3:// prefix of its own included.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { MonitorConfig } from '../config/load-config.ts';
import { ConfigError, showValue } from '../errors.ts';
import { MAX_CONFIG_FILE_BYTES } from '../ingest/read-limits.ts';
import { isS3Uri } from '../storage/s3-uri.ts';
import { readCappedFileSync } from '../runtime/read-capped-file.ts';
import type { StorageFile } from '../storage/storage.ts';
import type { RunIdentity } from './run-identity.ts';
import { withoutBom } from '../runtime/without-bom.ts';

/** Which of the listed capture files this host reads. */
export interface CaptureDeal {
  /** This host's place in resourceconfig.json's hosts. */
  index: number;
  /** The number of hosts. */
  count: number;
  /** The folders (relative to dataset_source, '' for all of it) whose files every host sees and the hosts deal. */
  replicated: string[];
}

interface MountedInput {
  name: string;
  localPath: string;
  distribution: string;
}

/** The processing job of processingjobconfig.json: whether it names one, and its S3 inputs; none without the file. */
function processingJob(file: string): { named: boolean; inputs: MountedInput[] } {
  if (!existsSync(file)) return { named: false, inputs: [] };
  let parsed: { ProcessingInputs?: unknown; ProcessingJobName?: unknown };
  try {
    const text = readCappedFileSync(file, MAX_CONFIG_FILE_BYTES);
    parsed = JSON.parse(withoutBom(text)) as typeof parsed;
  } catch (error) {
    throw new ConfigError(`config: ${file} cannot be read as processingjobconfig.json (${(error as Error).message})`);
  }
  const named = typeof parsed?.ProcessingJobName === 'string' && parsed.ProcessingJobName !== '';
  const inputs = Array.isArray(parsed?.ProcessingInputs) ? (parsed.ProcessingInputs as unknown[]) : [];
  const out: MountedInput[] = [];
  for (const input of inputs) {
    const { InputName: name, S3Input: s3 } = (input ?? {}) as { InputName?: unknown; S3Input?: { LocalPath?: unknown; S3DataDistributionType?: unknown } };
    if (typeof s3?.LocalPath !== 'string') continue;
    const distribution = s3.S3DataDistributionType ?? 'FullyReplicated';
    out.push({ name: typeof name === 'string' ? name : '(unnamed)', localPath: s3.LocalPath, distribution: typeof distribution === 'string' ? distribution : showValue(distribution) });
  }
  return { named, inputs: out };
}

/** Where `mount` sits in `root`: '' when it holds all of root, a relative folder inside it, undefined when apart. */
function placeIn(root: string, mount: string): string | undefined {
  const inside = path.relative(root, mount);
  if (inside === '' || !path.relative(mount, root).startsWith('..')) return '';
  if (inside.startsWith('..') || path.isAbsolute(inside)) return undefined;
  return inside.split(path.sep).join('/');
}

/**
 * The capture deal of this host (undefined: read every listed file) after checking that the ground truth reaches
 * every host whole. One instance never deals.
 */
export function planCaptureDeal(config: Pick<MonitorConfig, 'datasetSource' | 'groundTruth' | 'paths'>, host: RunIdentity['host']): CaptureDeal | undefined {
  const count = host.hosts.length;
  if (count < 2) return undefined;
  const index = host.hosts.indexOf(host.current_host);
  const { named, inputs } = processingJob(config.paths.jobConfigFile);
  const labels = config.groundTruth.location;
  if (!isS3Uri(labels)) {
    for (const input of inputs) {
      if (input.distribution !== 'ShardedByS3Key' || placeIn(labels, input.localPath) === undefined) continue;
      throw new ConfigError(
        `config: ${config.paths.jobConfigFile} input ${showValue(input.name)} mounts ground truth (${input.localPath}) with S3DataDistributionType ShardedByS3Key: each of the ${count} hosts would read part of the labels; expected FullyReplicated (every host joins its predictions against all labels)`,
      );
    }
  }
  if (isS3Uri(config.datasetSource)) return named ? { index, count, replicated: [''] } : undefined;
  const replicated: string[] = [];
  for (const input of inputs) {
    const place = placeIn(config.datasetSource, input.localPath);
    if (place !== undefined && input.distribution !== 'ShardedByS3Key') replicated.push(place);
  }
  if (replicated.length === 0) return undefined;
  return { index, count, replicated: replicated.includes('') ? [''] : replicated };
}

/** Whether `file` lies in one of the deal's replicated folders. */
function isReplicated(deal: CaptureDeal, file: string): boolean {
  return deal.replicated.some((folder) => folder === '' || file === folder || file.startsWith(`${folder}/`));
}

/** The files (in path order) this host reads: its own shard's, and its share of those every host sees. */
export function dealFiles(files: StorageFile[], deal: CaptureDeal): StorageFile[] {
  let k = 0;
  return files.filter((file) => !isReplicated(deal, file.path) || k++ % deal.count === deal.index);
}

/** dealFiles over a listing (tabular datasets are walked, not listed first); every file when there is no deal. */
export async function* dealListed(files: AsyncIterable<StorageFile>, deal: CaptureDeal | undefined): AsyncGenerator<StorageFile> {
  if (deal === undefined) return yield* files;
  const listed: StorageFile[] = [];
  for await (const file of files) listed.push(file);
  yield* dealFiles(listed, deal);
}
