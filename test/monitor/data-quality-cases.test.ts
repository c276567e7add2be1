/**
 * @module What the data-quality golden cases cannot show alone: the violations case's baseline is exactly what
 * suggest-baseline wrote (dq-suggest-capture), one and two worker threads write the same files over dq-json-records'
 * two capture files, report.html of a data-quality run is the data-quality page (violations first, features
 * ranked by drift), and the constraints.json a run writes never replaces the baseline it reads.
 */
import { copyFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMonitor } from '../helpers/run-monitor.ts';
import { CASES_DIR, loadCase, normalizeRun, runCase } from './golden-cases.ts';

const read = (...parts: string[]): string => readFileSync(path.join(CASES_DIR, ...parts), 'utf8');

/** A report without what differs between two runs of the same input. */
function comparable(text: string): unknown {
  const value = JSON.parse(text) as Record<string, unknown>;
  delete value.config_sources;
  delete value.timings_ms;
  delete value.report_html;
  return value;
}

describe('data-quality golden cases', () => {
  it("dq-baseline-violations' baseline is suggest-baseline's output, byte for byte", () => {
    for (const file of ['statistics.json', 'constraints.json']) {
      expect(read('dq-baseline-violations', 'baseline', file), file).toBe(read('dq-suggest-capture', 'expected', file));
    }
  });

  it('dq-json-records: one and two worker threads write the same statistics, violations and report', async () => {
    const c = loadCase('dq-json-records');
    const one = normalizeRun(await runCase(c));
    const two = normalizeRun(await runCase({ ...c, spec: { ...c.spec, env: { ...c.spec.env, MPM_WORKERS: '2' } } }));
    expect(two.get('statistics.json')).toBe(one.get('statistics.json'));
    expect(two.get('constraint_violations.json')).toBe(one.get('constraint_violations.json'));
    expect(comparable(two.get('monitoring_report.json')!)).toEqual(comparable(one.get('monitoring_report.json')!));
  });

  it('report.html of a data-quality run lists the violations first, then the features by drift', async () => {
    const c = loadCase('dq-baseline-violations');
    const run = await runMonitor({ env: { dataset_source: '{case}/capture', output_path: '{out}', baseline_constraints: '{case}/baseline/constraints.json', ...c.spec.env }, placeholders: { case: c.dir }, keep: true });
    expect(run.exitCode, run.stderr.slice(-2000)).toBe(0);
    const html = readFileSync(path.join(run.placeholders.out!, 'report.html'), 'utf8');
    rmSync(run.placeholders.tmp!, { recursive: true, force: true });
    expect(html).toContain('Completed with 7 violations');
    const violations = html.indexOf('id="violations"');
    const features = html.indexOf('id="features"');
    expect(violations).toBeGreaterThan(0);
    expect(features).toBeGreaterThan(violations);
    // age drifted most (KS 0.33), so it is the first feature drawn.
    expect(html.slice(features).indexOf('>age<')).toBeLessThan(html.slice(features).indexOf('>plan<'));
  });

  it("writes the observed features' constraints.json, but never over the baseline constraints it reads from output_path", async () => {
    const c = loadCase('dq-baseline-violations');
    const baseline = read('dq-baseline-violations', 'baseline', 'constraints.json');
    const run = await runMonitor({
      env: { dataset_source: '{case}/capture', output_path: '{out}', baseline_constraints: '{out}/constraints.json', ...c.spec.env },
      placeholders: { case: c.dir },
      prepare: ({ out }) => {
        mkdirSync(out!, { recursive: true });
        copyFileSync(path.join(c.dir, 'baseline', 'constraints.json'), path.join(out!, 'constraints.json'));
      },
    });
    expect(run.exitCode, run.stderr.slice(-2000)).toBe(0);
    // The baseline is read and left as it was; the run's other files are written beside it.
    expect(run.outputs['constraints.json']).toEqual(JSON.parse(baseline));
    expect((run.outputs['monitoring_report.json'] as { outputs: Record<string, string> }).outputs).not.toHaveProperty('constraints');
    expect((run.outputs['constraint_violations.json'] as { violations: unknown[] }).violations).toHaveLength(7);
    // Elsewhere (the golden case) the run writes the observed constraints: the drifted hour's, not the baseline's.
    expect(read('dq-baseline-violations', 'expected', 'constraints.json')).not.toBe(baseline);
  });

  it('a window without records is one InsufficientDataCheck violation (or exit 3 with MPM_ON_INSUFFICIENT_DATA=fail), not every baseline column missing', async () => {
    const c = loadCase('dq-baseline-violations');
    const env = { ...c.spec.env, dataset_source: '{out}/../empty', output_path: '{out}', baseline_constraints: '{case}/baseline/constraints.json' };
    const why = 'Not judged: the window holds no records (0 files, 0 lines, 0 requests read), so no column can be compared with the baseline.';
    const prepare = ({ out }: { out?: string }): void => void mkdirSync(path.join(out!, '..', 'empty'), { recursive: true });
    const run = await runMonitor({ env, placeholders: { case: c.dir }, prepare });
    expect(run.exitCode, run.stderr.slice(-2000)).toBe(0);
    expect(run.outputs['constraint_violations.json']).toEqual({ violations: [{ feature_name: 'item_count', constraint_check_type: 'InsufficientDataCheck', description: why }] });
    const failed = await runMonitor({ env: { ...env, MPM_ON_INSUFFICIENT_DATA: 'fail' }, placeholders: { case: c.dir }, prepare });
    expect(failed.exitCode).toBe(3);
    expect(failed.message).toBe(`Failed: input: ${why}`);
    // The setting is read, so it is not named among the ignored model-quality settings.
    expect(failed.stderr).not.toContain('these model-quality settings are ignored');
  });
});
