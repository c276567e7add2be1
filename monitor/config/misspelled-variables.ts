/**
 * @module Variables that look like a setting but are not one: a typo in an MPM_ name (MPM_SEEED) or a contract
 * variable in the wrong case (PROBLEM_TYPE, mpm_seed). Such a variable was ignored without a word, so the default ran
 * in place of the value the user meant. They are warned about, naming the setting meant; nothing else is: the
 * environment holds many variables that are not mpm's (MPM_IMAGE_USER of the image, the platform's own).
 */
import { closest } from './edit-distance.ts';

/** The setting a variable name was probably meant as, when it is not one itself. */
function meant(name: string, known: readonly string[], knownSet: ReadonlySet<string>): string | undefined {
  if (knownSet.has(name)) return undefined;
  const folded = name.toLowerCase();
  const sameLetters = known.find((k) => k.toLowerCase() === folded);
  if (sameLetters !== undefined) return sameLetters;
  if (!name.toUpperCase().startsWith('MPM_')) return undefined;
  // Up to two edits for a long name, one for a short one: close enough to be a typo, far enough from other names.
  const limit = name.length >= 12 ? 2 : 1;
  return closest(name.toUpperCase(), known.filter((k) => k.startsWith('MPM_')), limit);
}

/** "NAME (in where) is not a setting; did you mean X?" for each variable that looks like a misspelled setting. */
export function misspelledVariables(sources: ReadonlyArray<{ where: string; names: Iterable<string> }>, known: readonly string[]): string[] {
  const knownSet = new Set(known);
  const out: string[] = [];
  for (const { where, names } of sources) {
    for (const name of names) {
      const setting = meant(name, known, knownSet);
      if (setting !== undefined) out.push(`${name} (${where}) is not a setting and is ignored; did you mean ${setting}?`);
    }
  }
  return out;
}
