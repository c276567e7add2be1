/**
 * @module Prints the README's contract table (every setting: variable, flag, default, meaning) from the one settings
 * table in monitor/config/settings.ts. A test checks that the README holds exactly this table.
 * Usage: npx tsx scripts/settings-table.ts
 */
import { fileURLToPath } from 'node:url';
import { realpathSync } from 'node:fs';
import { SETTINGS } from '../monitor/config/settings.ts';

export function settingsTable(): string {
  const esc = (s: string): string => s.replaceAll('|', '\\|');
  const rows = SETTINGS.map((s) => {
    const def = (s as { default?: string }).default;
    return `| \`${s.env}\` | \`--${s.flag}\` | ${def === undefined ? '' : `\`${esc(def)}\``} | ${esc(s.description)} |`;
  });
  return ['| Variable | Flag | Default | Meaning |', '|---|---|---|---|', ...rows].join('\n');
}

if (process.argv[1] && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url))) {
  console.log(settingsTable());
}
