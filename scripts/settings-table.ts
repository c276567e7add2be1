/**
 * @module Prints the README's contract table (every setting: variable, flag, commands, default, meaning) from the one
 * settings table in monitor/config/settings.ts. A test checks that the README holds exactly this table.
 * Usage: npx tsx scripts/settings-table.ts
 */
import { fileURLToPath } from 'node:url';
import { realpathSync } from 'node:fs';
import { SETTING_TABLE } from '../monitor/config/settings.ts';

export function settingsTable(): string {
  const esc = (s: string): string => s.replaceAll('|', '\\|');
  const rows = SETTING_TABLE.map((s) => {
    const def = 'default' in s ? s.default : undefined;
    const env = 'env' in s ? `\`${s.env}\`` : '';
    const commands = s.commands.map((c) => (c === 'job' ? 'job' : `\`${c}\``)).join(', ');
    return `| ${env} | \`--${s.flag}\` | ${commands} | ${def === undefined ? '' : `\`${esc(def)}\``} | ${esc(s.description)} |`;
  });
  return ['| Variable | Flag | Commands | Default | Meaning |', '|---|---|---|---|---|', ...rows].join('\n');
}

if (process.argv[1] && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url))) {
  console.log(settingsTable());
}
