/**
 * @module Writes generated covertype data as CSV (header, FEATURE_NAMES then Cover_Type 0..6), for the Python training
 * script and for anyone who wants to look at the data.
 *
 *   npx tsx scripts/covertype/write-csv.ts --n 20000 --seed 1 --drift 0 --out train.csv
 */

import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { FEATURE_NAMES, LABEL_NAME, generateCovertype, type CovertypeData } from './generate.ts';

/** Formats rows and labels as CSV text with a header line; the label is the last column. */
export function formatCovertypeCsv(data: CovertypeData): string {
  const lines = [[...FEATURE_NAMES, LABEL_NAME].join(',')];
  data.rows.forEach((row, i) => lines.push(`${row.join(',')},${data.labels[i]}`));
  return `${lines.join('\n')}\n`;
}

function main(): void {
  const { values } = parseArgs({
    options: {
      n: { type: 'string', default: '1000' },
      seed: { type: 'string', default: '1' },
      drift: { type: 'string', default: '0' },
      out: { type: 'string' },
    },
  });
  const data = generateCovertype({ n: Number(values.n), seed: Number(values.seed), drift: Number(values.drift) });
  const csv = formatCovertypeCsv(data);
  if (values.out) writeFileSync(values.out, csv);
  else process.stdout.write(csv);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main();
