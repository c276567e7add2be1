/**
 * @module Regenerates the expected/ folders of the monitor's golden cases (test/fixtures/monitor/<case>/expected/)
 * from runs of the real CLI. Usage: `npx tsx scripts/update-golden.ts [case ...]` (default: every case).
 *
 * It writes whatever the code printed, so review the diff (`git diff test/fixtures/monitor`) and check every changed
 * number by reasoning before committing: the expected files must be correct, not just current. A run whose exit code
 * differs from case.json is reported and its files are not written.
 */
import { checkedValue, listCases, loadCase, normalizeRun, readExpected, runCase, writeExpected } from '../test/monitor/golden-cases.ts';

const requested = process.argv.slice(2);
const all = listCases();
const unknown = requested.filter((n) => !all.includes(n));
if (unknown.length > 0) {
  console.error(`update-golden: no case ${unknown.map((n) => JSON.stringify(n)).join(', ')}; cases are: ${all.join(', ')}`);
  process.exit(2);
}

let failed = 0;
for (const name of requested.length > 0 ? requested : all) {
  const c = loadCase(name);
  const run = await runCase(c);
  if (run.exitCode !== c.spec.exit_code) {
    failed++;
    console.error(`${name}: exit code ${run.exitCode}, case.json expects ${c.spec.exit_code}; expected/ left unchanged\n${run.stderr.slice(-1500)}`);
    continue;
  }
  const files = normalizeRun(run);
  const before = readExpected(c);
  const changed = [...new Set([...before.keys(), ...files.keys()])].filter((f) => before.get(f) !== files.get(f));
  writeExpected(c, files);
  const wrongChecks = (c.spec.checks ?? []).filter((check) => {
    const value = checkedValue(files, check);
    if ('equals' in check && JSON.stringify(value) !== JSON.stringify(check.equals)) return true;
    if (check.close_to !== undefined && !(typeof value === 'number' && Math.abs(value - check.close_to) <= 1e-12 * Math.max(1, Math.abs(check.close_to)))) return true;
    return check.contains !== undefined && !String(value).includes(check.contains);
  });
  for (const check of wrongChecks) {
    console.error(`${name}: check ${check.file}:${check.path ?? ''} fails (${check.why}): got ${JSON.stringify(checkedValue(files, check))}`);
  }
  if (wrongChecks.length > 0) failed++;
  console.log(`${name}: ${changed.length === 0 ? 'unchanged' : `updated ${changed.join(', ')}`}`);
}
process.exitCode = failed > 0 ? 1 : 0;
