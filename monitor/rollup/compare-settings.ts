/**
 * @module A roll-up against the states it merges: the settings behind each state's fingerprint are compared with the
 * roll-up's own. Those the roll-up reads itself (what the verdict and the statistics depend on) and those given to it
 * explicitly must be equal, else it stops with a ConfigError naming each setting and both values; the others (how
 * capture and labels were read, which a roll-up never reads) are taken from the states and listed in its report.
 */
import type { MonitorConfig } from '../config/load-config.ts';
import { ConfigError } from '../errors.ts';
import { describeDifferences, differingSettings, fingerprintOf, resultSettings, type SettingDifference } from '../state/settings-fingerprint.ts';
import type { StateHeader } from '../state/state-header.ts';

/** Settings a roll-up reads itself: the states' values must equal its own, given or default. */
export const ROLLUP_READS: readonly string[] = Object.freeze([
  'analysis_type',
  'problem_type',
  'positive_label',
  'probability_threshold_attribute',
  'MPM_BINARY_SCORE',
  'MPM_CLASS_LABELS',
  'MPM_ESTIMATE',
  'MPM_MIN_RECORDS_FOR_STD',
  'MPM_SEED',
  'exclude_features_attribute',
]);

/** A setting taken from the states (the roll-up's own value left at its default and never read). */
export interface SettingFromStates {
  name: string;
  value: string | null;
}

function explicit(config: MonitorConfig, name: string): boolean {
  const source = config.sources[name];
  return source !== undefined && source !== 'default' && source !== 'unset';
}

/**
 * Compares a state's settings with the roll-up's (`derived`: the values the run derives, e.g. the baseline's columns
 * of a data-quality run). Throws a ConfigError naming the settings that must agree and do not; returns the settings
 * taken from the state. A state written before headers listed their settings is compared by fingerprint alone.
 */
export function compareWithRollup(config: MonitorConfig, header: StateHeader, file: string, derived: Readonly<Record<string, string>> = {}): SettingFromStates[] {
  const own = resultSettings(config.resolved, derived);
  if (header.result_settings === undefined) {
    if (header.settings_fingerprint === fingerprintOf(own)) return [];
    throw new ConfigError(`config: the roll-up's settings differ from those of ${file} (settings fingerprint ${fingerprintOf(own)} against ${header.settings_fingerprint}; that state does not list its settings); expected the settings the runs used`);
  }
  const differences = differingSettings(header.result_settings, own);
  const refused: SettingDifference[] = differences.filter((d) => ROLLUP_READS.includes(d.name) || d.name.startsWith('mpm.') || explicit(config, d.name));
  if (refused.length > 0) {
    throw new ConfigError(
      `config: the roll-up's settings differ from those of ${file}: ${describeDifferences(refused.map((d) => ({ ...d, left: d.right, right: d.left })))} (the roll-up's value first); expected the settings the runs used`,
    );
  }
  return differences.map((d) => ({ name: d.name, value: d.left ?? null }));
}
