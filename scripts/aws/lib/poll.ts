/**
 * @module Polling until a resource reaches a state: --wait of deploy-endpoint and delete-schedule. A plain loop
 * over `send`, so that every poll is an ordinary request the tests see.
 */
import { ApiCallError } from './errors.ts';

/** How long and how often `pollUntil` checks. */
export interface PollOptions {
  /** What is awaited, for messages: "endpoint mpm-covertype InService". */
  what: string;
  /** Give up after this many seconds. */
  timeoutSeconds: number;
  /** Seconds between polls. Default 20. */
  intervalSeconds?: number;
  /** Progress callback, called with each intermediate state. */
  onState?: (state: string) => void;
  /** Injectable for tests; default setTimeout. */
  sleep?: (ms: number) => Promise<void>;
}

/** Outcome of one check: done, failed (with a reason), or still going (with the state shown in progress). */
export type PollCheck = { done: true } | { failed: string } | { state: string };

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Calls `check` until it reports done; throws ApiCallError on failure or timeout. */
export async function pollUntil(check: () => Promise<PollCheck>, opts: PollOptions): Promise<void> {
  const sleep = opts.sleep ?? defaultSleep;
  const deadline = Date.now() + opts.timeoutSeconds * 1000;
  let last = '';
  for (;;) {
    const result = await check();
    if ('done' in result) return;
    if ('failed' in result) throw new ApiCallError(`${opts.what}: ${result.failed}`);
    if (result.state !== last) opts.onState?.(result.state);
    last = result.state;
    if (Date.now() >= deadline) {
      throw new ApiCallError(`${opts.what}: still ${result.state} after ${opts.timeoutSeconds} s; check again later`);
    }
    await sleep((opts.intervalSeconds ?? 20) * 1000);
  }
}
