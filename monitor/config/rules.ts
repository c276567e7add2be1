/**
 * @module The validation rules a setting can declare, as zod schemas from the setting's text to its typed value. A
 * failed rule says what was expected; load-config.ts turns it into "config: NAME "value" is not valid; expected …".
 */
import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { parseDatasetFormat, type DatasetFormat } from './dataset-format.ts';
import { parseContractTime } from './time.ts';
import { canonicalLabel } from '../metrics/labels.ts';

/** A setting's rule: its text in, its value out, with the phrase a failure message ends with. */
export type Rule<T> = z.ZodType<T, string>;

/** The issue message of a failed rule when it is a whole sentence tail rather than "is not valid; expected …". */
const OWN_MESSAGE = 'mpm-own-message';

/** Fails the value with "is not valid; expected `expected`". */
function invalid(ctx: z.RefinementCtx<string>, expected: string): typeof z.NEVER {
  ctx.addIssue({ code: 'custom', message: `is not valid; expected ${expected}` });
  return z.NEVER;
}

/** Fails the value with a message of its own (the text after the quoted value), e.g. "is not supported; …". */
export function fail(ctx: z.RefinementCtx<string>, message: string): typeof z.NEVER {
  ctx.addIssue({ code: 'custom', message, params: { [OWN_MESSAGE]: true } });
  return z.NEVER;
}

/** Any text, as given. */
export const text = (): Rule<string> => z.string();

/** One of `choices`, matched exactly or, with `caseInsensitive`, in any case. */
export function oneOf<const T extends string>(choices: readonly T[], caseInsensitive = false): Rule<T> {
  return z.string().transform((value, ctx) => {
    const hit = choices.find((c) => (caseInsensitive ? c.toLowerCase() === value.toLowerCase() : c === value));
    return hit ?? invalid(ctx, `one of ${choices.join(', ')}`);
  });
}

/** Enabled or Disabled, in any case, as a boolean. */
export const enabled = (): Rule<boolean> => oneOf(['Enabled', 'Disabled'] as const, true).transform((v) => v === 'Enabled');

/** A finite number for which `ok` holds. */
export function number(expected: string, ok: (n: number) => boolean = () => true): Rule<number> {
  return z.string().transform((value, ctx) => {
    const n = Number(value.trim());
    return value.trim() === '' || !Number.isFinite(n) || !ok(n) ? invalid(ctx, expected) : n;
  });
}

/** A whole number in [min, max]. */
export const integer = (expected: string, min: number, max = Number.MAX_SAFE_INTEGER): Rule<number> =>
  number(expected, (n) => Number.isInteger(n) && n >= min && n <= max);

/** A contract timestamp (YYYY-MM-DDTHH:MM:SSZ, spaces after colons tolerated) as epoch milliseconds. */
export const time = (): Rule<number> =>
  z.string().transform((value, ctx) => parseContractTime(value) ?? invalid(ctx, 'an ISO-8601 UTC time YYYY-MM-DDTHH:MM:SSZ, e.g. 2024-05-06T22:00:00Z'));

/** The contract's dataset_format JSON string (parseDatasetFormat's own message on failure). */
export const datasetFormat = (): Rule<DatasetFormat> =>
  z.string().transform((value, ctx) => {
    try {
      return parseDatasetFormat(value);
    } catch (error) {
      // parseDatasetFormat's message names the variable and the value itself.
      ctx.addIssue({ code: 'custom', message: (error as Error).message, params: { [OWN_MESSAGE]: 'whole' } });
      return z.NEVER;
    }
  });

/** A worker count: a whole number in 1..256, or auto (one per available core). */
export const workers = (): Rule<number> =>
  z.string().transform((value, ctx) => {
    if (value.trim().toLowerCase() === 'auto') return availableParallelism();
    const n = Number(value.trim());
    return value.trim() !== '' && Number.isInteger(n) && n >= 1 && n <= 256 ? n : invalid(ctx, 'a whole number between 1 and 256, or auto');
  });

/** A comma-separated list of distinct, non-empty labels (trimmed). */
export const labelList = (): Rule<string[]> =>
  z.string().transform((value, ctx) => {
    // Labels are compared in their canonical form ("1.0" is the label "1"), as everywhere else.
    const labels = value.split(',').map((l) => canonicalLabel(l) ?? '');
    if (labels.length < 2 || labels.some((l) => l === '') || new Set(labels).size !== labels.length) {
      return invalid(ctx, 'at least two distinct labels separated by commas, in the order of the probability vectors, e.g. 1,2,3');
    }
    return labels;
  });

/** A setting that must stay unset (a feature of the built-in container mpm does not offer). */
export const unsupported = (why: string): Rule<never> => z.string().transform((_, ctx) => fail(ctx, `is not supported; expected it unset (${why})`));

/** How a failed rule reads: the message tail after the quoted value, or a whole message of its own. */
export function describeIssue(issue: z.core.$ZodIssue): { tail: string } | { whole: string } {
  const params = (issue as { params?: Record<string, unknown> }).params;
  if (params?.[OWN_MESSAGE] === 'whole') return { whole: issue.message };
  return { tail: issue.message };
}
