/**
 * @module The CloudWatch metrics file of `evaluate`: every judged hour's lines, each stamped with its hour. Each hour's
 * run writes the file as a job does (replacing it); this collects the lines of every hour as it is judged into a
 * temporary file beside it, which replaces the file once the last hour is done. Without it a call over a day left
 * only the last hour's metrics. Memory holds one hour's lines.
 */
import { open, readFile, rename, rm, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { OutputError } from '../errors.ts';
import { CLOUDWATCH_METRICS_FILE } from '../publish/cloudwatch-file.ts';
import type { PublishSummary } from '../publish/publish-metrics.ts';
import { temporaryName } from '../storage/local.ts';

export class EvaluateMetricsFile {
  private readonly file: string;
  private readonly tmp: string;
  private handle: FileHandle | undefined;
  private lines = 0;

  constructor(cloudwatchDir: string) {
    this.file = path.resolve(cloudwatchDir, CLOUDWATCH_METRICS_FILE);
    this.tmp = temporaryName(this.file);
  }

  /** Adds the lines an hour's run wrote (nothing when it wrote no file: a failed hour). */
  async add(publish: PublishSummary | undefined): Promise<void> {
    if (publish?.file === undefined) return;
    const text = await readFile(this.file, 'utf8');
    this.handle ??= await open(this.tmp, 'wx');
    await this.handle.write(text);
    this.lines += publish.file.lines;
  }

  /** Puts every hour's lines in place of the last hour's file; gives how many lines it holds. */
  async finish(): Promise<number> {
    if (this.handle === undefined) return 0;
    try {
      await this.handle.close();
      this.handle = undefined;
      await rename(this.tmp, this.file);
    } catch (error) {
      await rm(this.tmp, { force: true });
      throw new OutputError(`cloudwatch: cannot write the metrics file ${this.file}: ${(error as Error).message}`, { cause: error });
    }
    return this.lines;
  }
}
