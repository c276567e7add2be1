/**
 * @module The main thread's parts that are not final yet: while the labels are read on their own thread, a file's
 * predictions wait in its part (join/pending-predictions.ts), so the part is held and merged into the run, in path
 * order, once the labels are in. Past MAX_WAITING_BYTES of waiting work the scan stops reading until they are.
 */
import type { MergeableAccumulator } from '../state/accumulator-state.ts';
import { MAX_WAITING_BYTES, type ScanPlan } from './scan-plan.ts';

export class HeldParts<Part extends MergeableAccumulator<Part>> {
  private readonly held: Part[] = [];

  constructor(
    private readonly plan: ScanPlan<Part>,
    private readonly run: Part,
  ) {}

  /**
   * Holds a file's part, waits for the labels when too much waits (`otherBytes`: waiting work outside the plan, such
   * as the sink's label arrival), and merges the held parts once they are final.
   */
  async add(part: Part, otherBytes = 0): Promise<void> {
    this.held.push(part);
    const waiting = this.plan.waiting?.();
    if (waiting !== undefined && (this.plan.waitingBytes?.() ?? 0) + otherBytes > MAX_WAITING_BYTES) await waiting;
    if (this.plan.waiting?.() === undefined) this.merge();
  }

  /** After the last file: waits for the labels, then merges every held part. */
  async finish(): Promise<void> {
    await this.plan.waiting?.();
    this.merge();
  }

  private merge(): void {
    for (const part of this.held) {
      this.run.merge(part);
      this.plan.release?.(part);
    }
    this.held.length = 0;
  }
}
