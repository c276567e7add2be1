/**
 * @module What one host's run wrote, for comparing runs: the output folder's files (report.html left out), the
 * CloudWatch metrics file and the message, with what differs between equal runs taken out (the evaluation clock, the
 * stage timings, and whatever paths the caller names).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export interface OutputOptions {
  /** Text replaced in every file, each key by its value (paths that differ between runs). */
  replace?: Record<string, string>;
  /** Edits one output file's scrubbed text (its name given) before it is kept. */
  edit?: (file: string, text: string) => string;
}

/** The files of the run whose output folder is `out` and message file `name`.message beside it, scrubbed. */
export function hostOutputs(out: string, name: string, o: OutputOptions = {}): Map<string, string> {
  const files = new Map<string, string>();
  const stats = path.join(out, 'statistics.json');
  const clock = existsSync(stats) ? (JSON.parse(readFileSync(stats, 'utf8')) as { dataset: { evaluation_time: string } }).dataset.evaluation_time : undefined;
  const scrub = (text: string): string => {
    let t = text.replace(/"timings_ms": \{[^}]*\}/g, '"timings_ms": {}');
    if (clock) t = t.split(clock).join('<clock>').split(clock.replace(/\.\d{3}Z$/, 'Z')).join('<clock-s>');
    for (const [from, to] of Object.entries(o.replace ?? {})) t = t.split(from).join(to);
    return t;
  };
  for (const file of existsSync(out) ? readdirSync(out).sort() : []) {
    if (file === 'report.html') continue;
    const text = scrub(readFileSync(path.join(out, file), 'utf8'));
    files.set(file, o.edit ? o.edit(file, text) : text);
  }
  const cloudwatch = path.join(out, '..', 'cloudwatch', 'cloudwatch_metrics.jsonl');
  if (existsSync(cloudwatch)) files.set('cloudwatch', scrub(readFileSync(cloudwatch, 'utf8')));
  files.set('message', readFileSync(path.join(out, '..', `${name}.message`), 'utf8'));
  return files;
}
