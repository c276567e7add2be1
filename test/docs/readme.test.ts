/**
 * @module The README stays true: its contract table is the settings table the CLI reads, its quick start names the
 * two commands, and .ci/run calls the same test command.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { settingsTable } from '../../scripts/settings-table.ts';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('holds the contract table generated from monitor/config/settings.ts (run: bash scripts/update-readme-table.sh)', () => {
    const between = readme.split('<!-- settings-table:start -->')[1]?.split('<!-- settings-table:end -->')[0]?.trim();
    expect(between).toBe(settingsTable());
  });

  it('gives the two quick-start commands, and .ci/run runs the same test command', () => {
    expect(readme).toContain('npm ci && npm run demo');
    expect(readme).toMatch(/^npm test\b/m);
    expect(readFileSync(new URL('../../.ci/run', import.meta.url), 'utf8')).toMatch(/^npm test\b/m);
  });

  it('links only to docs that exist', () => {
    for (const [, link] of readme.matchAll(/\]\((docs\/[^)]+)\)/g)) {
      expect(() => readFileSync(new URL(`../../${link}`, import.meta.url)), link).not.toThrow();
    }
  });
});
