/**
 * @module The history page's stylesheet: the report page's (themes, print, phone) plus the rules of time charts,
 * the status timeline and legends. Like report.html, the page allows exactly this stylesheet by its hash and runs no
 * script.
 */
import { PAGE_CSS } from '../report/html/page-style.ts';

const HISTORY_RULES = [
  `.band{fill:var(--accent);fill-opacity:.16}.est-band{fill:var(--warn);fill-opacity:.14}.range{fill:var(--accent);fill-opacity:.1}`,
  `.line{fill:none;stroke:var(--accent);stroke-width:1.6;stroke-linejoin:round}.est-line{fill:none;stroke:var(--warn);stroke-width:1.6;stroke-dasharray:5 3}`,
  `.threshold{fill:none;stroke:var(--fail);stroke-width:1.3;stroke-dasharray:6 4}.constant{fill:none;stroke:var(--muted);stroke-width:1.2;stroke-dasharray:2 3}`,
  `circle.pt{fill:var(--accent)}circle.pt.violated{fill:var(--fail)}circle.pt.not-evaluated{fill:var(--warn)}circle.est{fill:var(--warn)}circle.est.violated{fill:var(--fail)}`,
  `rect.cell{fill:var(--ok)}rect.cell.violations{fill:var(--warn)}rect.cell.failed{fill:var(--fail)}rect.cell.missing{fill:var(--track)}rect.cell.drift{fill:var(--fail)}rect.cell.other{fill:var(--warn)}`,
  `ul.legend{display:flex;flex-wrap:wrap;gap:2px 14px;list-style:none;margin:2px 0 10px;padding:0;font-size:.82rem;color:var(--muted)}`,
  `ul.legend i{display:inline-block;width:18px;height:0;border-top:2px solid var(--accent);vertical-align:middle;margin-right:5px}`,
  `ul.legend i.band{height:9px;border:0;background:var(--accent);opacity:.3}ul.legend i.est-band{height:9px;border:0;background:var(--warn);opacity:.3}`,
  `ul.legend i.threshold{border-top:2px dashed var(--fail)}ul.legend i.est{border-top:2px dashed var(--warn)}ul.legend i.constant{border-top:2px dotted var(--muted)}`,
  `ul.legend i.dot{width:8px;height:8px;border:0;border-radius:50%;background:var(--fail)}ul.legend i.cell{width:10px;height:10px;border:0;background:var(--ok)}`,
  `ul.legend i.cell.violations{background:var(--warn)}ul.legend i.cell.failed{background:var(--fail)}ul.legend i.cell.missing{background:var(--track)}`,
  `nav.series ul{margin:6px 0;padding-left:18px}section.series{margin-top:28px}section.series>h2{font-size:1.3rem}svg.strip{display:block;width:160px;max-width:100%;height:12px}`,
  `tr.superseded td,tr.superseded th{color:var(--muted)}table.runs .badge{white-space:nowrap;margin-left:0}table.runs th span.why{display:block;font-weight:400}table.features td span.why{display:block}`,
  `ul.violations ul{margin:4px 0 0;padding-left:18px;font-size:.9rem}ul.violations ul li{border:0;padding:1px 0;margin:0}`,
].join('\n');

/** The page's one stylesheet (the report page's rules first, so both pages read alike). */
export const HISTORY_CSS = `${PAGE_CSS}\n${HISTORY_RULES}`;
