/**
 * @module The scan plans a worker thread can build, by name: each analysis registers the function that rebuilds its
 * plan from the plan's workerInit.
 */
import type { MergeableAccumulator } from '../state/accumulator-state.ts';
import { JOIN_PLAN, joinPlanFromInit, type JoinPlanInit } from '../join/join-plan.ts';
import type { ScanPlan } from './scan-plan.ts';
import { DATA_QUALITY_PLAN, dataQualityPlanFromInit, type DataQualityPlanInit } from '../data-quality/data-quality-plan.ts';

const PLANS: Record<string, (init: never, later?: Promise<unknown>) => ScanPlan<MergeableAccumulator<unknown>>> = {
  [JOIN_PLAN]: (init: JoinPlanInit, later?: Promise<unknown>) => joinPlanFromInit(init, later) as unknown as ScanPlan<MergeableAccumulator<unknown>>,
  [DATA_QUALITY_PLAN]: (init: DataQualityPlanInit) => dataQualityPlanFromInit(init) as unknown as ScanPlan<MergeableAccumulator<unknown>>,
};

/** The plan named `name`, rebuilt from `init` in a worker thread; `later` gives what the main plan's workerLater sends. */
export function planFromInit(name: string, init: unknown, later?: Promise<unknown>): ScanPlan<MergeableAccumulator<unknown>> {
  const build = PLANS[name];
  if (build === undefined) throw new Error(`scan: no plan named ${JSON.stringify(name)} is registered for worker threads`);
  return build(init as never, later);
}
