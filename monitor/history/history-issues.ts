/**
 * @module Problems met while reading report folders are data: a broken statistics.json skips that file (or that run),
 * never the history. Each reason is counted with its first few folder paths, and the page lists them.
 */

export const HISTORY_ISSUE_REASONS = {
  unreadable_file: 'a report file could not be read',
  invalid_json: 'a report file is not valid JSON',
  too_large: 'a report file is larger than the --max-file-mb limit',
  unexpected_shape: 'a report file is JSON but not in the schema expected for its name; that file was ignored',
  no_report: 'every report file of the folder was ignored (unreadable, not JSON, or of another shape), so it shows no run',
  no_window: 'the folder is not in the yyyy/mm/dd/hh layout and its files name no window or evaluation time, so the run cannot be placed in time',
  too_deep: 'folders nested deeper than the walk goes (12 levels below the source)',
  not_listable: 'a folder could not be listed',
} as const;

export type HistoryIssueReason = keyof typeof HISTORY_ISSUE_REASONS;

export interface HistoryIssueSample {
  path: string;
  detail?: string;
}

/** Counts by reason, with the first `samples` locations of each. */
export class HistoryIssues {
  readonly byReason = new Map<HistoryIssueReason, { count: number; samples: HistoryIssueSample[] }>();
  constructor(private readonly samples = 5) {}

  add(reason: HistoryIssueReason, path: string, detail?: string): void {
    let entry = this.byReason.get(reason);
    if (!entry) this.byReason.set(reason, (entry = { count: 0, samples: [] }));
    entry.count++;
    if (entry.samples.length < this.samples) entry.samples.push(detail === undefined ? { path } : { path, detail: detail.slice(0, 200) });
  }

  total(): number {
    let n = 0;
    for (const e of this.byReason.values()) n += e.count;
    return n;
  }

  /** Reasons in a fixed order (the order of HISTORY_ISSUE_REASONS). */
  list(): Array<{ reason: HistoryIssueReason; description: string; count: number; samples: HistoryIssueSample[] }> {
    return (Object.keys(HISTORY_ISSUE_REASONS) as HistoryIssueReason[])
      .filter((r) => this.byReason.has(r))
      .map((reason) => ({ reason, description: HISTORY_ISSUE_REASONS[reason], ...this.byReason.get(reason)! }));
  }
}
