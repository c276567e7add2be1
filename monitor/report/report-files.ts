/**
 * @module The registry of the files mpm owns in output_path: what a run writes there. Removing stale outputs of an
 * earlier run, the image's privilege drop and hosts that write no report use this one list; nothing outside it is
 * ever deleted. An analysis that writes a new file adds it here.
 */

export const REPORT_FILES = {
  statistics: 'statistics.json',
  violations: 'constraint_violations.json',
  constraints: 'constraints.json',
  runReport: 'monitoring_report.json',
  page: 'report.html',
} as const;
