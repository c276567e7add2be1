/**
 * Issue 19: states are merged only when their headers agree; the refusal names the field that disagrees (and both
 * files). The settings fingerprint depends on the settings that change results and on nothing else.
 */
import { describe, expect, it } from 'vitest';
import { InputError } from '../errors.ts';
import { differingSettings, fingerprintOf, RESULT_CONSTANTS, RESULT_SETTINGS, resultSettings, settingsFingerprint } from './settings-fingerprint.ts';
import { pack, unpack } from './state-file.ts';
import { assertMergeable, checkMergeable, type StateHeader } from './state-header.ts';

const BASE: StateHeader = {
  format: 'mpm-state',
  container_version: 1,
  byte_order: 'little-endian',
  analysis: 'model_quality',
  problem_type: 'MulticlassClassification',
  positive_label: null,
  seed: 0,
  label_dictionary: ['a', 'b'],
  settings_fingerprint: 'sha256:aa',
  window: { start_time: '2026-01-15T08:00:00Z', end_time: '2026-01-15T09:00:00Z' },
  host: { current_host: 'algo-1', hosts: ['algo-1', 'algo-2', 'algo-3'] },
  job: { name: 'job-0800', source: 'processing_job' },
  tool: { name: 'mpm', version: '0.1.0' },
};
const other = (edit: Partial<StateHeader>): StateHeader => ({ ...BASE, host: { ...BASE.host, current_host: 'algo-2' }, ...edit });

describe('checkMergeable', () => {
  it('merges the hosts of one run, whatever their label dictionaries, container versions or tool versions', () => {
    expect(checkMergeable(BASE, other({ label_dictionary: ['b', 'c', 'a'], container_version: 2, tool: { name: 'mpm', version: '0.2.0' } }), 'hosts')).toEqual({ mergeable: true });
  });

  it('names the first field that disagrees, with both values', () => {
    const cases: Array<[Partial<StateHeader>, string]> = [
      [{ analysis: 'data_quality' }, 'analysis'],
      [{ problem_type: 'BinaryClassification' }, 'problem_type'],
      [{ positive_label: '1' }, 'positive_label'],
      [{ seed: 7 }, 'seed'],
      [{ seed: -0 }, 'seed'],
      [{ settings_fingerprint: 'sha256:bb' }, 'settings_fingerprint'],
      [{ job: { name: 'job-0900', source: 'processing_job' } }, 'job.name'],
      [{ window: { start_time: '2026-01-15T08:00:00Z', end_time: '2026-01-15T10:00:00Z' } }, 'window'],
      [{ host: { current_host: 'algo-2', hosts: ['algo-1', 'algo-2'] } }, 'host.hosts'],
      [{ host: BASE.host }, 'host.current_host'],
    ];
    for (const [edit, field] of cases) {
      const outcome = checkMergeable(BASE, other(edit), 'hosts');
      expect(outcome, field).toMatchObject({ mergeable: false, field });
      if (!outcome.mergeable) expect(outcome.left).toEqual(field.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], BASE));
    }
  });

  it('rolls up windows that do not overlap, and refuses overlapping or open ones', () => {
    const next = other({ window: { start_time: '2026-01-15T09:00:00Z', end_time: '2026-01-15T10:00:00Z' }, job: { name: 'job-0900', source: 'processing_job' }, host: BASE.host });
    expect(checkMergeable(BASE, next, 'windows')).toEqual({ mergeable: true });
    const overlapping = other({ window: { start_time: '2026-01-15T08:30:00Z', end_time: '2026-01-15T09:30:00Z' } });
    expect(checkMergeable(BASE, overlapping, 'windows')).toMatchObject({ mergeable: false, field: 'window', reason: 'overlapping windows would count records twice' });
    expect(checkMergeable(BASE, BASE, 'windows')).toMatchObject({ mergeable: false, field: 'window' });
    expect(checkMergeable(BASE, other({ window: { start_time: null, end_time: '2026-01-15T08:00:00Z' } }), 'windows')).toMatchObject({ field: 'window', reason: 'a roll-up needs closed windows' });
    expect(checkMergeable(BASE, other({ seed: 1, window: next.window }), 'windows')).toMatchObject({ field: 'seed' });
  });

  it('assertMergeable throws an InputError naming both files and the field', () => {
    const left = { header: BASE, file: 's3://b/state/job-0800/algo-1.mpmstate' };
    const right = { header: other({ positive_label: 'yes' }), file: 's3://b/state/job-0800/algo-2.mpmstate' };
    expect(() => assertMergeable(left, right, 'hosts')).toThrow(InputError);
    expect(() => assertMergeable(left, right, 'hosts')).toThrow(
      'state: s3://b/state/job-0800/algo-1.mpmstate and s3://b/state/job-0800/algo-2.mpmstate cannot be merged: states made with other settings hold other numbers (their positive_label differs: null against "yes")',
    );
    expect(() => assertMergeable(left, { header: other({}), file: 'x' }, 'hosts')).not.toThrow();
  });
});

describe('settingsFingerprint', () => {
  const resolved = { problem_type: 'BinaryClassification', positive_label: '1', MPM_SEED: '0', output_path: '/out', MPM_LOG_LEVEL: 'info' };

  it('depends on the settings that change results, not on the others or on key order', () => {
    const base = settingsFingerprint(resolved);
    expect(base).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(settingsFingerprint({ MPM_LOG_LEVEL: 'debug', output_path: '/elsewhere', MPM_SEED: '0', positive_label: '1', problem_type: 'BinaryClassification' })).toBe(base);
    expect(settingsFingerprint({ ...resolved, positive_label: '0' })).not.toBe(base);
    expect(settingsFingerprint({ ...resolved, MPM_SEED: '1' })).not.toBe(base);
    expect(settingsFingerprint({ ...resolved, probability_threshold_attribute: '0.5' })).not.toBe(base);
    // Unset and empty differ: "" is a value someone set.
    expect(settingsFingerprint({ ...resolved, inference_attribute: '' })).not.toBe(base);
    expect(settingsFingerprint({ ...resolved, inference_attribute: undefined })).toBe(base);
  });

  it('leaves out what only the verdict reads or what does not change numbers', () => {
    for (const name of ['baseline_constraints', 'MPM_MAX_INPUT_ERROR_RATE', 'MPM_WORKERS', 'start_time', 'end_time', 'output_path']) expect(RESULT_SETTINGS).not.toContain(name);
    expect(settingsFingerprint({ ...resolved, MPM_WORKERS: '8', baseline_constraints: '/c.json' })).toBe(settingsFingerprint(resolved));
  });
});

describe('result_settings in the header', () => {
  const resolved = { problem_type: 'BinaryClassification', positive_label: '1', MPM_SEED: '0', MPM_CLASS_LABELS: undefined, MPM_LOG_LEVEL: 'info' };
  const withSettings = (r: Record<string, string | undefined>, edit: Partial<StateHeader> = {}): StateHeader => {
    const settings = resultSettings(r);
    return other({ settings_fingerprint: fingerprintOf(settings), result_settings: settings, ...edit });
  };

  it('lists every result setting and the sketches\' constants, sorted, and hashes to the fingerprint', () => {
    const settings = resultSettings(resolved);
    expect(settings.map(([n]) => n)).toEqual([...RESULT_SETTINGS, ...Object.keys(RESULT_CONSTANTS)].sort());
    expect(new Map(settings).get('mpm.kll')).toBe('k=2048 c=0.64');
    expect(new Map(settings).get('MPM_CLASS_LABELS')).toBeNull();
    expect(fingerprintOf(settings)).toBe(settingsFingerprint(resolved));
    expect(fingerprintOf(resultSettings(resolved, { 'mpm.baseline_columns': '["a"]' }))).not.toBe(settingsFingerprint(resolved));
  });

  it('a refusal names the settings that differ and both values', () => {
    const left = { header: { ...withSettings(resolved), host: BASE.host }, file: 'a.mpmstate' };
    const right = { header: withSettings({ ...resolved, MPM_SEED: undefined, MPM_CLASS_LABELS: 'x,y', dataset_format: '{"csv":{}}' }), file: 'b.mpmstate' };
    expect(differingSettings(left.header.result_settings!, right.header.result_settings!).map((d) => d.name)).toEqual(['MPM_CLASS_LABELS', 'MPM_SEED', 'dataset_format']);
    expect(() => assertMergeable(left, right, 'hosts')).toThrow(
      /cannot be merged: states made with other settings hold other numbers: MPM_CLASS_LABELS null against "x,y", MPM_SEED "0" against null, dataset_format null against "\{\\"csv\\":\{\}\}" \(their settings_fingerprint differs: .*\)$/,
    );
  });

  it('survives pack and unpack, and a file whose settings do not hash to its fingerprint is refused', () => {
    const header = withSettings(resolved);
    const { format: _f, container_version: _c, byte_order: _b, ...input } = header;
    expect(unpack(pack({}, input)).header.result_settings).toEqual(header.result_settings);
    const forged = { ...input, settings_fingerprint: settingsFingerprint({ ...resolved, MPM_SEED: '1' }) };
    expect(() => pack({}, forged)).toThrow(/settings_fingerprint.*is not the hash of its result_settings/);
    expect(() => pack({}, { ...input, result_settings: [['b', null], ['a', null]] })).toThrow(/result_settings.*sorted by distinct name/);
  });
});
