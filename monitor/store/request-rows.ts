/**
 * @module Where one stored request ends and the next begins. The store keeps no request column: a request's rows
 * are consecutive and share their inferenceId, eventId and inferenceTime. Two consecutive requests can share all
 * three (a capture line written twice, a client that reuses its ids within a millisecond), and a response never
 * holds a payload_index twice (`invalid_payload_index`, so such a response is never stored). A row whose index the
 * current request already holds therefore starts the next request: the store reads them back as the live run read
 * them, two requests, so an input error of one does not take the other's predictions with it.
 */

/** Indexes kept in a typed array of stamps (one per index below this); larger ones go to a Set. */
const MAX_STAMPED_INDEX = 1 << 16;

/** The payload indexes of the request being read, emptied in O(1) at each new request. */
export class RequestIndexes {
  private stamps = new Uint32Array(64);
  private request = 1;
  private large: Set<number> | undefined;

  /** Starts a new request (no index held). */
  clear(): void {
    this.large = undefined;
    if (this.request === 0xffffffff) {
      this.stamps.fill(0);
      this.request = 0;
    }
    this.request++;
  }

  /** Adds `index` to the current request; false when it holds it already (the row belongs to the next request). */
  add(index: number): boolean {
    if (index >= 0 && index < MAX_STAMPED_INDEX && Number.isInteger(index)) {
      if (index >= this.stamps.length) {
        const grown = new Uint32Array(Math.min(MAX_STAMPED_INDEX, 2 ** Math.ceil(Math.log2(index + 1))));
        grown.set(this.stamps);
        this.stamps = grown;
      }
      if (this.stamps[index] === this.request) return false;
      this.stamps[index] = this.request;
      return true;
    }
    const large = (this.large ??= new Set());
    if (large.has(index)) return false;
    large.add(index);
    return true;
  }
}
