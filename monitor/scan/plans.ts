/**
 * @module The scan plans a worker thread can build, by name: each analysis registers the function that rebuilds its
 * plan from the plan's workerInit.
 */
import type { MergeableAccumulator } from '../state/accumulator-state.ts';
import { JOIN_PLAN, joinPlanFromInit, type JoinPlanInit } from '../join/join-plan.ts';
import type { ScanPlan } from './scan-plan.ts';

const PLANS: Record<string, (init: never) => ScanPlan<MergeableAccumulator<unknown>>> = {
  [JOIN_PLAN]: (init: JoinPlanInit) => joinPlanFromInit(init) as unknown as ScanPlan<MergeableAccumulator<unknown>>,
};

/** The plan named `name`, rebuilt from `init` in a worker thread. */
export function planFromInit(name: string, init: unknown): ScanPlan<MergeableAccumulator<unknown>> {
  const build = PLANS[name];
  if (build === undefined) throw new Error(`scan: no plan named ${JSON.stringify(name)} is registered for worker threads`);
  return build(init as never);
}
