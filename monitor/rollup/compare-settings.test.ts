/**
 * Issue 19: a roll-up compares the settings behind its states' fingerprint with its own. What it reads itself, and
 * what it is given explicitly, must agree (the refusal names each setting with both values); what it never reads
 * and leaves at its default is taken from the states and listed.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load-config.ts';
import { ConfigError } from '../errors.ts';
import { fingerprintOf, resultSettings } from '../state/settings-fingerprint.ts';
import type { StateHeader } from '../state/state-header.ts';
import { compareWithRollup } from './compare-settings.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'mpm-compare-settings-'));
const JOB = path.join(dir, 'job.json');
writeFileSync(JOB, '{}');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const config = (flags: Record<string, string>) => loadConfig({ flags: { MPM_JOB_CONFIG_FILE: JOB, ...flags }, env: {} });

function stateOf(flags: Record<string, string>): StateHeader {
  const settings = resultSettings(config(flags).resolved);
  return {
    format: 'mpm-state',
    container_version: 1,
    byte_order: 'little-endian',
    analysis: 'model_quality',
    problem_type: 'BinaryClassification',
    positive_label: '1',
    seed: 0,
    label_dictionary: [],
    settings_fingerprint: fingerprintOf(settings),
    result_settings: settings,
    window: { start_time: '2026-01-15T08:00:00Z', end_time: '2026-01-15T09:00:00Z' },
    host: { current_host: 'algo-1', hosts: ['algo-1'] },
    job: { name: 'hourly', source: 'run_id' },
    tool: { name: 'mpm', version: '0.1.0' },
  };
}

const JOB_FLAGS = { problem_type: 'BinaryClassification', MPM_GROUND_TRUTH_LABEL_FIELD: 'label', MPM_SEED: '3' };

describe('compareWithRollup', () => {
  it('accepts the job\'s own settings', () => {
    expect(compareWithRollup(config(JOB_FLAGS), stateOf(JOB_FLAGS), 's')).toEqual([]);
  });

  it('takes what the roll-up never reads from the states when it is left at its default, and lists it', () => {
    const { MPM_GROUND_TRUTH_LABEL_FIELD: _, ...rollup } = JOB_FLAGS;
    expect(compareWithRollup(config(rollup), stateOf(JOB_FLAGS), 's')).toEqual([{ name: 'MPM_GROUND_TRUTH_LABEL_FIELD', value: 'label' }]);
  });

  it('refuses a setting it reads (even left at its default) or one given explicitly, naming each with both values', () => {
    const { MPM_SEED: _, ...noSeed } = JOB_FLAGS;
    expect(() => compareWithRollup(config(noSeed), stateOf(JOB_FLAGS), 'state/x/run.mpmstate')).toThrow(ConfigError);
    expect(() => compareWithRollup(config(noSeed), stateOf(JOB_FLAGS), 'state/x/run.mpmstate')).toThrow(
      'config: the roll-up\'s settings differ from those of state/x/run.mpmstate: MPM_SEED "0" against "3" (the roll-up\'s value first); expected the settings the runs used',
    );
    expect(() => compareWithRollup(config({ ...JOB_FLAGS, MPM_GROUND_TRUTH_LABEL_FIELD: 'y', positive_label: 'yes' }), stateOf(JOB_FLAGS), 's')).toThrow(
      /MPM_GROUND_TRUTH_LABEL_FIELD "y" against "label", positive_label "yes" against "1"/,
    );
  });

  it('compares a state that does not list its settings by fingerprint alone', () => {
    const { result_settings: _, ...old } = stateOf(JOB_FLAGS);
    expect(compareWithRollup(config(JOB_FLAGS), old, 's')).toEqual([]);
    expect(() => compareWithRollup(config({ ...JOB_FLAGS, MPM_SEED: '4' }), old, 's')).toThrow(/does not list its settings/);
  });
});
