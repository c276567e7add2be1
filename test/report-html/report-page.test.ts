/**
 * Issue 9: report.html renders in headless Chromium (Debian's chromium) without console errors or network access,
 * shows the numbers of statistics.json, renders hostile labels as text, and is saved as screenshots in
 * test-artifacts/report-html/ (light, dark, phone, print). Without /usr/bin/chromium the suite fails in CI (CI=true,
 * .ci/run installs it) and skips locally with the reason.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { RunReport } from '../../monitor/report/build-run-report.ts';
import type { ModelQualityStatistics } from '../../monitor/metrics/types.ts';
import { formatShare } from '../../monitor/report/html/format.ts';
import { HOSTILE_LABEL, HOSTILE_LABEL_2, makeRun, type RunCase, type RunDone } from './make-run.ts';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = path.resolve('test-artifacts/report-html');
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
// Evaluated in the page (the project's TypeScript has no DOM library).
const BACKGROUND = 'getComputedStyle(document.body).backgroundColor';
const SCROLL_WIDTH = 'document.documentElement.scrollWidth';
const WINDOW = { start: '2024-01-02T03:00:00Z', end: '2024-01-02T04:00:00Z' };

const CASES = {
  multiclass: { problem: 'MulticlassClassification', constraints: { accuracy: { threshold: 0.9 } }, createViolationTests: true, window: WINDOW },
  binary: { problem: 'BinaryClassification', constraints: { accuracy: { threshold: 0.5 }, auc: { threshold: 0.95 } } },
  regression: { problem: 'Regression', createViolationTests: true },
  manyClasses: { problem: 'MulticlassClassification', classes: 60, requests: 600 },
  insufficient: { problem: 'Regression', noGroundTruth: true },
  failed: { problem: 'BinaryClassification', brokenShare: 0.5 },
  delayed: { problem: 'MulticlassClassification', constraints: { accuracy: { threshold: 0.9 } }, delayHours: 1 },
} satisfies Record<string, RunCase>;
type CaseName = keyof typeof CASES;

interface Loaded {
  page: Page;
  problems: string[];
  requests: string[];
  close(): Promise<void>;
}

/** Numbers as the page prints them: "1,976", "± 0.0054", "−0.1480", "98.8%". */
function parseShown(text: string): { value: number; tolerance: number } {
  const clean = text.replace(/[±,\s%]/g, '').replace('\u2212', '-');
  const decimals = clean.includes('.') ? clean.length - clean.indexOf('.') - 1 : 0;
  return { value: Number(clean), tolerance: 0.5 * 10 ** -decimals + 1e-12 };
}

function expectShown(text: string | null, actual: number, what: string): void {
  const { value, tolerance } = parseShown(text ?? '');
  expect(Number.isNaN(value), `${what}: "${text}" is not a number`).toBe(false);
  expect(Math.abs(value - actual), `${what}: page shows "${text}", statistics.json has ${actual}`).toBeLessThanOrEqual(tolerance * (Math.abs(actual) >= 10 ? Math.abs(actual) : 1));
}

const haveChromium = existsSync(CHROMIUM);
const inCi = process.env.CI === 'true';

describe.skipIf(!haveChromium && !inCi)('report.html in headless Chromium', () => {
  let browser: Browser;
  const runs = {} as Record<CaseName, RunDone & { report: RunReport; statistics?: ModelQualityStatistics; html: string }>;

  beforeAll(async () => {
    if (!haveChromium) throw new Error(`${CHROMIUM} is missing: CI must install Debian's chromium (.ci/run does: apt-get install chromium)`);
    await mkdir(ARTIFACTS, { recursive: true });
    for (const [name, c] of Object.entries(CASES) as Array<[CaseName, RunCase]>) {
      const done = await makeRun(c);
      const read = async (f: string): Promise<string | undefined> => readFile(path.join(done.out, f), 'utf8').catch(() => undefined);
      const statistics = await read('statistics.json');
      runs[name] = {
        ...done,
        report: JSON.parse((await read('monitoring_report.json'))!) as RunReport,
        statistics: statistics === undefined ? undefined : (JSON.parse(statistics) as ModelQualityStatistics),
        html: (await read('report.html'))!,
      };
    }
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.all(Object.values(runs).map((r) => rm(r.dir, { recursive: true, force: true })));
  });

  async function load(name: CaseName, options: { colorScheme?: 'light' | 'dark'; width?: number } = {}): Promise<Loaded> {
    const width = options.width ?? 1100;
    const context = await browser.newContext({ colorScheme: options.colorScheme ?? 'light', viewport: { width, height: 900 } });
    const page = await context.newPage();
    const problems: string[] = [];
    const requests: string[] = [];
    const url = pathToFileURL(path.join(runs[name].out, 'report.html')).href;
    // Any console message (CSP violations are console errors), script error, dialog or request other than the page.
    page.on('console', (m) => problems.push(`console ${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('dialog', (d) => problems.push(`dialog: ${d.message()}`));
    page.on('request', (r) => r.url() !== url && requests.push(r.url()));
    await page.goto(url, { waitUntil: 'load' });
    return { page, problems, requests, close: () => context.close() };
  }

  async function shoot(name: CaseName, variant: string, options: { colorScheme?: 'light' | 'dark'; width?: number; print?: boolean } = {}): Promise<Loaded> {
    const loaded = await load(name, options);
    if (options.print) await loaded.page.emulateMedia({ media: 'print' });
    await loaded.page.screenshot({ path: path.join(ARTIFACTS, `${name}-${variant}.png`), fullPage: true });
    return loaded;
  }

  it('every run wrote report.html and recorded it in the run report', () => {
    for (const [name, run] of Object.entries(runs)) {
      expect(run.report.report_html, name).toEqual({ status: 'written', location: path.join(run.out, 'report.html'), bytes: Buffer.byteLength(run.html) });
    }
    expect(runs.failed.exitCode).toBe(3);
  });

  it('multiclass: no console errors or requests, and the numbers shown equal statistics.json', async () => {
    const { page, problems, requests, close } = await shoot('multiclass', 'light');
    const { statistics, report } = runs.multiclass;
    const section = statistics!.multiclass_classification_metrics as Record<string, { value: number; standard_deviation: number | 'NaN' }>;
    // The stylesheet applied (the CSP hash matched) and nothing else happened.
    expect(await page.evaluate(BACKGROUND)).toBe('rgb(255, 255, 255)');
    expect(problems).toEqual([]);
    expect(requests).toEqual([]);

    expect(await page.locator('[data-status]').getAttribute('data-status')).toBe('CompletedWithViolations');
    expect(await page.locator('dl.facts').innerText()).toContain(`${WINDOW.start} to ${WINDOW.end}`);
    const judged = await page.locator('dt:text-is("Records judged") + dd').innerText();
    expectShown(judged, statistics!.dataset.item_count, 'records judged');

    const rows = await page.locator('tr[data-metric]').evaluateAll((trs) =>
      trs.map((tr) => ({ metric: tr.getAttribute('data-metric')!, value: tr.querySelector('[data-field=value]')?.textContent ?? null, std: tr.querySelector('[data-field=std]')?.textContent ?? null, constant: tr.querySelector('[data-field=constant]')?.textContent ?? null })),
    );
    expect(rows.map((r) => r.metric)).toEqual(Object.keys(section).filter((k) => k !== 'confusion_matrix' && !k.endsWith('_best_constant_classifier')));
    for (const r of rows) {
      expectShown(r.value, section[r.metric]!.value, `${r.metric} value`);
      expectShown(r.std, section[r.metric]!.standard_deviation as number, `${r.metric} std`);
      expectShown(r.constant, section[`${r.metric}_best_constant_classifier`]!.value, `${r.metric} constant classifier`);
    }
    // The margin of the violated constraint: value − threshold for LessThanThreshold.
    expectShown((await page.locator('tr[data-metric=accuracy] [data-field=margin]').innerText()).split(' ')[0]!, section.accuracy!.value - 0.9, 'accuracy margin');

    // Every heat-map cell equals the confusion matrix.
    const matrix = section.confusion_matrix as unknown as Record<string, Record<string, number>>;
    const columns = await page.locator('#confusion-matrix text.col').evaluateAll((ts) => ts.map((t) => t.getAttribute('data-predicted')));
    const cells = await page.locator('#confusion-matrix g.row').evaluateAll((gs) => gs.map((g) => ({ actual: g.getAttribute('data-actual'), counts: [...g.querySelectorAll('text.count')].map((t) => t.textContent) })));
    expect(cells.map((c) => c.actual).sort()).toEqual(Object.keys(matrix).sort());
    for (const { actual, counts } of cells) counts.forEach((text, j) => expectShown(text, matrix[actual!]![columns[j]!] ?? 0, `cell ${actual} → ${columns[j]}`));

    // Per-class rows equal mpm_extra_metrics.per_class.
    const perClass = (statistics!.mpm_extra_metrics as { per_class: Record<string, Record<string, number>> }).per_class;
    const classRows = await page.locator('tr[data-class]').evaluateAll((trs) =>
      trs.map((tr) => ({ label: tr.getAttribute('data-class')!, fields: Object.fromEntries([...tr.querySelectorAll('[data-field]')].map((td) => [td.getAttribute('data-field'), td.textContent])) })),
    );
    expect(classRows.map((r) => r.label).sort()).toEqual(Object.keys(perClass).sort());
    for (const r of classRows) for (const f of ['precision', 'recall', 'f1', 'support']) expectShown(r.fields[f]!, perClass[r.label]![f]!, `${r.label} ${f}`);

    // Join health equals the run report.
    expect(await page.locator('[data-fact=coverage]').innerText()).toBe(formatShare(report.join!.joined / report.join!.predictions));
    expectShown(await page.locator('tr[data-fact="Predictions without a label"] td').innerText(), report.join!.predictions_without_label, 'predictions without a label');
    expectShown(await page.locator('tr[data-fact="Labels without a prediction"] td').innerText(), report.join!.labels_without_prediction!, 'labels without a prediction');
    expect(await page.locator('tr[data-reason]').evaluateAll((trs) => trs.map((t) => t.getAttribute('data-reason')).sort())).toEqual(Object.keys(report.input_errors.by_reason).sort());
    expect(await page.locator('tr[data-reason=invalid_json] ul.samples li').first().innerText()).toMatch(/capture\.jsonl:\d+/);

    // The synthetic violation is marked as such.
    const synthetic = page.locator('li.synthetic');
    expect(await synthetic.count()).toBe(1);
    expect(await synthetic.innerText()).toContain('test, not a finding');
    await close();
  });

  it('a hostile class label renders as text, never as markup', async () => {
    const { page, problems, close } = await load('multiclass');
    expect(await page.locator('img, script, iframe, object').count()).toBe(0);
    const labels = await page.locator('tr[data-class] th').allInnerTexts();
    expect(labels).toContain(HOSTILE_LABEL);
    expect(labels.some((l) => l.startsWith(HOSTILE_LABEL_2.slice(0, 30)))).toBe(true);
    expect(await page.locator(`#confusion-matrix g.row[data-actual="${HOSTILE_LABEL.replace(/"/g, '\\"')}"]`).count()).toBe(1);
    expect(problems).toEqual([]);
    await close();
  });

  it('binary: ROC and precision-recall curves with their AUCs, and the confusion matrix', async () => {
    const { page, problems, requests, close } = await shoot('binary', 'light');
    const section = runs.binary.statistics!.binary_classification_metrics as Record<string, { value: number }>;
    expect(problems).toEqual([]);
    expect(requests).toEqual([]);
    expectShown((await page.locator('#roc h3').innerText()).replace('ROC curve, AUC ', ''), section.auc!.value, 'ROC AUC');
    expectShown((await page.locator('#pr h3').innerText()).replace('Precision-recall curve, AU-PRC ', ''), section.au_prc!.value, 'AU-PRC');
    expect(await page.locator('#roc polyline.curve').count()).toBe(1);
    const points = (await page.locator('#roc polyline.curve').getAttribute('points'))!.split(' ');
    expect(points.length).toBeGreaterThan(10);
    expect(points.length).toBeLessThanOrEqual(400);
    const matrix = section.confusion_matrix as unknown as Record<string, Record<string, number>>;
    const cells = await page.locator('#confusion-matrix g.row').evaluateAll((gs) => gs.map((g) => ({ actual: g.getAttribute('data-actual')!, counts: [...g.querySelectorAll('text.count')].map((t) => t.textContent) })));
    for (const { actual, counts } of cells) expect(counts).toEqual(['0', '1'].map((p) => (matrix[actual]![p] ?? 0).toLocaleString('en-US')));
    expectShown(await page.locator('tr[data-metric=auc] [data-field=value]').innerText(), section.auc!.value, 'auc row');
    expect(await page.locator('tr[data-metric=auc] .badge').innerText()).toBe('violated');
    await close();
  });

  it('the label-free estimate beside the realized value, with its band, whether the value is inside, and the coverage', async () => {
    const { page, problems, close } = await load('binary');
    const { statistics, report } = runs.binary;
    const estimate = statistics!.mpm_estimated_metrics as {
      predictions: number;
      estimated_records: number;
      metrics: Record<string, { value: number; standard_error: number; lower: number; upper: number }>;
    };
    const realized = statistics!.binary_classification_metrics as Record<string, { value: number }>;
    expect(problems).toEqual([]);
    const rows = await page.locator('tr[data-estimate]').evaluateAll((trs) =>
      trs.map((tr) => ({ metric: tr.getAttribute('data-estimate')!, fields: Object.fromEntries([...tr.querySelectorAll('[data-field]')].map((td) => [td.getAttribute('data-field'), td.textContent])) })),
    );
    expect(rows.map((r) => r.metric)).toEqual(Object.keys(estimate.metrics));
    let inside = 0;
    for (const { metric, fields } of rows) {
      const e = estimate.metrics[metric]!;
      expectShown(fields.estimate!, e.value, `${metric} estimate`);
      expectShown(fields.se!, e.standard_error, `${metric} standard error`);
      const [lower, upper] = fields.band!.split(' – ');
      expectShown(lower!, e.lower, `${metric} band lower`);
      expectShown(upper!, e.upper, `${metric} band upper`);
      expectShown(fields.realized!, realized[metric]!.value, `${metric} realized`);
      const within = realized[metric]!.value >= e.lower && realized[metric]!.value <= e.upper;
      if (within) inside++;
      expect(fields['in-band'], metric).toBe(within ? 'inside' : 'outside');
    }
    expect(await page.locator('[data-fact="inside band"]').innerText()).toBe(`${inside} of ${rows.length}`);
    expectShown(await page.locator('[data-fact="estimated records"]').innerText(), estimate.estimated_records, 'estimated records');
    expect(await page.locator('[data-fact="label coverage"]').innerText()).toBe(formatShare(report.join!.joined / estimate.predictions));
    // No baseline calibration: the page flags the estimate as uncalibrated.
    expect(await page.locator('[data-fact=uncalibrated]').count()).toBe(1);
    await close();
  });

  it('regression: the page says the estimate is not made, and why', async () => {
    const { page, close } = await load('regression');
    expect(await page.locator('[data-fact="not estimated"]').innerText()).toMatch(/^Not estimated: CBPE estimates classification metrics/);
    expect(await page.locator('tr[data-estimate]').count()).toBe(0);
    await close();
  });

  it('regression: residual histogram and predicted versus actual hold every joined record', async () => {
    const { page, problems, close } = await shoot('regression', 'light');
    const { statistics } = runs.regression;
    const section = statistics!.regression_metrics as Record<string, { value: number }>;
    expect(problems).toEqual([]);
    for (const m of ['mae', 'mse', 'rmse', 'r2', 'mape']) expectShown(await page.locator(`tr[data-metric=${m}] [data-field=value]`).innerText(), section[m]!.value, m);
    const bars = await page.locator('#residuals rect.bar title').allTextContents();
    const total = bars.reduce((sum, t) => sum + Number(/: ([\d,]+) records$/.exec(t)![1]!.replace(/,/g, '')), 0);
    expect(total).toBe(statistics!.dataset.item_count);
    expect(await page.locator('#predicted-vs-actual rect.dot').count()).toBeGreaterThan(10);
    expect(await page.locator('li.synthetic').count()).toBe(1);
    await close();
  });

  it('caps the heat map for many classes and says so', async () => {
    const { page, problems, close } = await shoot('manyClasses', 'light');
    expect(problems).toEqual([]);
    expect(await page.locator('#confusion-matrix g.row').count()).toBe(31);
    expect(await page.locator('#confusion-matrix').innerText()).toMatch(/Showing the 30 most frequent of 60 classes; the other 30 are summed in “other”/);
    await close();
  });

  it('insufficient data: metrics not computed, with the reason', async () => {
    const { page, problems, close } = await shoot('insufficient', 'light');
    expect(problems).toEqual([]);
    expect(await page.locator('tr[data-metric=mae]').innerText()).toContain('not computed: no records');
    expect(await page.locator('[data-violation=joined_records]').innerText()).toContain('Only 0 predictions joined a ground-truth label');
    await close();
  });

  it('failed run: the page says why, in dark mode too', async () => {
    const { page, problems, close } = await shoot('failed', 'dark', { colorScheme: 'dark' });
    expect(problems).toEqual([]);
    expect(await page.locator('h1.status').innerText()).toBe('Failed');
    // The reason, as the run report gives it (its wording belongs to the input stage).
    expect(runs.failed.report.message).toMatch(/^Failed: input: /);
    expect(await page.locator('.verdict > p').innerText()).toBe(runs.failed.report.message);
    expect(await page.locator('#metrics + p').innerText()).toContain('the run failed before the metrics were computed');
    await close();
  });

  it('delayed run: the judged and stored windows, the judged result beside the fresh estimate, label arrival and the store, as the run report says', async () => {
    const { page, problems, requests, close } = await shoot('delayed', 'light');
    const { report, statistics } = runs.delayed;
    expect(problems).toEqual([]);
    expect(requests).toEqual([]);
    const evaluation = report.evaluation!;
    const fact = (name: string) => page.locator(`[data-fact="${name}"]`).innerText();
    expect(await fact('judged window')).toBe(`${evaluation.judged_window.start_time} to ${evaluation.judged_window.end_time}`);
    expect(await fact('stored window')).toBe(`${evaluation.stored_window!.start_time} to ${evaluation.stored_window!.end_time}`);
    expect(evaluation.judged_window.start_time).toBe('2024-01-02T03:00:00Z');
    expect(await fact('missing hours')).toBe('0');
    // The judged value is statistics.json's; the fresh one is the estimate of the stored hour.
    const judged = (statistics!.multiclass_classification_metrics as Record<string, { value: number }>).accuracy!.value;
    const fresh = (evaluation.fresh_window_estimate as { metrics: Record<string, { value: number }> }).metrics.accuracy!.value;
    expectShown(await page.locator('tr[data-compare=accuracy] [data-field=judged]').innerText(), judged, 'judged accuracy');
    expectShown(await page.locator('tr[data-compare=accuracy] [data-field=fresh]').innerText(), fresh, 'fresh accuracy');

    const arrival = report.label_arrival!;
    expect(arrival.lag_hours.map((l) => l.lag)).toEqual([0, 1, 2]);
    expect(await fact('label arrival coverage')).toBe(formatShare(arrival.coverage));
    expectShown(await fact('labelled'), arrival.labelled, 'labelled');
    const lags = await page.locator('table.lag-hours tr[data-lag]').evaluateAll((trs) => trs.map((tr) => ({ lag: Number(tr.getAttribute('data-lag')), labels: tr.querySelector('[data-field=labels]')!.textContent, coverage: tr.querySelector('[data-field=coverage]')!.textContent })));
    expect(lags.map((l) => l.lag)).toEqual(arrival.lag_hours.map((l) => l.lag));
    lags.forEach((l, i) => {
      expectShown(l.labels, arrival.lag_hours[i]!.labels, `labels at lag ${l.lag}`);
      expect(l.coverage).toBe(formatShare(arrival.lag_hours[i]!.coverage_with_delay));
    });
    for (const [share, hours] of Object.entries(arrival.delay_for_share)) {
      expect(await page.locator(`tr[data-share="${share}"] td`).innerText()).toBe(hours === null ? 'not reached' : `${hours} h`);
    }

    const store = report.prediction_store!;
    expectShown(await fact('stored records'), store.records, 'stored records');
    expectShown(await fact('stored bytes'), store.bytes, 'stored bytes');
    expectShown(await fact('bytes per record'), store.bytes_per_record, 'bytes per record');
    const hours = await page.locator('table.stored-hours tr[data-hour]').evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-hour'), tr.querySelector('[data-field=records]')!.textContent, tr.querySelector('[data-field=bytes]')!.textContent]));
    expect(hours).toEqual(store.hours.map((h) => [h.hour, h.records.toLocaleString('en-US'), h.bytes.toLocaleString('en-US')]));
    expect(store.records).toBe(1500);
    await close();
  });

  it('reads in dark mode, at phone width and in print', async () => {
    const dark = await shoot('multiclass', 'dark', { colorScheme: 'dark' });
    expect(await dark.page.evaluate(BACKGROUND)).toBe('rgb(15, 18, 22)');
    expect(dark.problems).toEqual([]);
    await dark.close();
    for (const name of ['multiclass', 'binary', 'regression', 'delayed'] as const) {
      const phone = await shoot(name, 'phone', { width: 390 });
      // Wide content scrolls inside its own box; the page itself never scrolls sideways.
      expect(await phone.page.evaluate(SCROLL_WIDTH), name).toBeLessThanOrEqual(390);
      expect(phone.problems).toEqual([]);
      await phone.close();
    }
    const print = await shoot('multiclass', 'print', { colorScheme: 'dark', print: true });
    expect(await print.page.evaluate(BACKGROUND)).toBe('rgb(255, 255, 255)');
    await print.page.pdf({ path: path.join(ARTIFACTS, 'multiclass-print.pdf') });
    await print.close();
  });
});

if (!haveChromium && !inCi) {
  describe('report.html in headless Chromium', () => {
    it.skip(`needs Debian's chromium at ${CHROMIUM} (apt-get install --no-install-recommends chromium); CI installs it and fails without it`, () => {});
  });
}
