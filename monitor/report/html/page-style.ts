/**
 * @module The report page's one stylesheet: light and dark through prefers-color-scheme, print rules, a layout that
 * reflows at phone width. The page's Content-Security-Policy allows exactly this <style> element by its SHA-256
 * hash; the page has no script, no style attributes and no external resource.
 */
import { createHash } from 'node:crypto';

const LIGHT = `--bg:#fff;--fg:#1b1f24;--muted:#59636e;--line:#d0d7de;--grid:#eaeef2;--card:#f6f8fa;--accent:#2563eb;--miss:#d9480f;--ok:#1a7f37;--warn:#9a5b00;--fail:#c62828;--on:#fff;--track:#e3e8ee`;
const DARK = `--bg:#0f1216;--fg:#e6e9ed;--muted:#9aa4b1;--line:#3a424c;--grid:#242a32;--card:#171b21;--accent:#6ea8fe;--miss:#ff8a5c;--ok:#4ac26b;--warn:#f0a33a;--fail:#ff6b6b;--on:#0b0d10;--track:#2a313a`;

/** The stylesheet text, byte for byte what the hash covers. */
export const PAGE_CSS = [
  `:root{color-scheme:light dark;${LIGHT}}`,
  `@media (prefers-color-scheme:dark){:root{${DARK}}}`,
  `*{box-sizing:border-box}`,
  `body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;-webkit-text-size-adjust:100%}`,
  `main{max-width:1100px;margin:0 auto;padding:16px}`,
  `h1{font-size:1.5rem;margin:0 0 4px}h2{font-size:1.15rem;margin:28px 0 8px;padding-bottom:4px;border-bottom:1px solid var(--line)}h3{font-size:1rem;margin:16px 0 6px}`,
  `p{margin:6px 0}.note{color:var(--muted);font-size:.9rem}code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.88em;overflow-wrap:anywhere}`,
  `.verdict{border-left:6px solid var(--muted);background:var(--card);padding:12px 16px;border-radius:6px}`,
  `.verdict.completed{border-color:var(--ok)}.verdict.violations{border-color:var(--warn)}.verdict.failed{border-color:var(--fail)}`,
  `.status{font-weight:700}.completed .status{color:var(--ok)}.violations .status{color:var(--warn)}.failed .status{color:var(--fail)}`,
  `dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:10px 0 0}dl.facts dt{color:var(--muted)}dl.facts dd{margin:0;overflow-wrap:anywhere}`,
  `ul.violations{list-style:none;padding:0;margin:8px 0}ul.violations li{border:1px solid var(--line);border-left:4px solid var(--warn);border-radius:6px;padding:8px 12px;margin:6px 0}`,
  `ul.violations li.synthetic{border-left-color:var(--muted);border-style:dashed}`,
  `.badge{display:inline-block;font-size:.75rem;font-weight:600;padding:1px 7px;border-radius:10px;border:1px solid currentColor;margin-left:6px;vertical-align:1px}`,
  `.badge.violated{color:var(--fail)}.badge.pass{color:var(--ok)}.badge.not-evaluated,.badge.synthetic{color:var(--muted)}`,
  `.table-scroll{overflow-x:auto}table{border-collapse:collapse;width:100%;font-size:.92rem}`,
  `th,td{text-align:left;padding:5px 8px;border-bottom:1px solid var(--line);vertical-align:top}th{color:var(--muted);font-weight:600;white-space:nowrap}`,
  `td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}.why{color:var(--muted);font-size:.88rem}`,
  `.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(300px,1fr));gap:16px;align-items:start}`,
  `figure{margin:8px 0;break-inside:avoid}figcaption{color:var(--muted);font-size:.85rem}.scroll{overflow-x:auto}`,
  `svg.chart{display:block;max-width:100%;height:auto}.scroll.wide svg.chart{max-width:none}`,
  `svg text{font-family:inherit}.tick{font-size:11px;fill:var(--muted)}.axis-title{font-size:12px;fill:var(--fg)}`,
  `.count{font-size:12px;font-weight:600;fill:var(--fg);text-anchor:middle}.count.zero{fill:var(--muted);font-weight:400}.share{font-size:10px;fill:var(--muted);text-anchor:middle}.dense .count{font-size:10px;font-weight:500}text.on{fill:var(--on)}`,
  `rect.hit,rect.bar,rect.dot{fill:var(--accent)}rect.miss{fill:var(--miss)}rect.track{fill:var(--track)}`,
  `.grid{stroke:var(--grid)}.frame{fill:none;stroke:var(--line)}.ref{stroke:var(--muted);stroke-dasharray:4 4}.curve{fill:none;stroke:var(--accent);stroke-width:2}`,
  `svg.mini{display:block;width:100%;min-width:48px;height:6px;margin-top:3px}`,
  `table.facts{width:auto;min-width:min(100%,560px)}table.facts th span.why{display:block;font-weight:400}th[scope=row]{white-space:normal;overflow-wrap:break-word}table.per-class th[scope=row]{overflow-wrap:anywhere}ul.samples{margin:2px 0 0;padding-left:18px;font-size:.85rem}`,
  `footer{margin-top:32px;color:var(--muted);font-size:.85rem}`,
  `@media (max-width:560px){main{padding:10px}body{font-size:14px}h1{font-size:1.25rem}table{font-size:.85rem}th,td{padding:4px 4px}.cards{grid-template-columns:1fr}dl.facts{grid-template-columns:1fr}dl.facts dd{margin-bottom:4px}}`,
  `@media print{:root{color-scheme:light;${LIGHT}}body{font-size:10.5pt}main{max-width:none;padding:0}.scroll,.table-scroll{overflow:visible}` +
    `.scroll.wide svg.chart,svg.chart{max-width:100%}h2{break-after:avoid}tr,li,figure{break-inside:avoid}*{-webkit-print-color-adjust:exact;print-color-adjust:exact}}`,
].join('\n');

/** The CSP source expression that allows exactly the stylesheet `css`: 'sha256-<base64>'. */
function styleHash(css: string): string {
  return `'sha256-${createHash('sha256').update(css, 'utf8').digest('base64')}'`;
}

/** A Content-Security-Policy under which nothing may load and only the stylesheet `css` applies. */
export function contentSecurityPolicy(css: string): string {
  return `default-src 'none'; style-src ${styleHash(css)}; img-src 'none'; script-src 'none'; base-uri 'none'; form-action 'none'`;
}

/** The page's Content-Security-Policy: nothing may load; only the hashed stylesheet applies. */
export const PAGE_CSP = contentSecurityPolicy(PAGE_CSS);
