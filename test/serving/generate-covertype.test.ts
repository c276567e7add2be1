/**
 * The covertype-shaped generator: the shape and ranges of the real set, determinism per seed, and a drift knob that
 * visibly moves the data.
 */

import { describe, expect, it } from 'vitest';
import { CLASS_NAMES, FEATURE_NAMES, generateCovertype } from '../../scripts/covertype/generate.ts';
import { formatCovertypeCsv } from '../../scripts/covertype/write-csv.ts';

const RANGES: Record<string, [number, number]> = {
  Elevation: [1859, 3858],
  Aspect: [0, 360],
  Slope: [0, 66],
  Horizontal_Distance_To_Hydrology: [0, 1397],
  Vertical_Distance_To_Hydrology: [-173, 601],
  Horizontal_Distance_To_Roadways: [0, 7117],
  Hillshade_9am: [0, 254],
  Hillshade_Noon: [0, 254],
  Hillshade_3pm: [0, 254],
  Horizontal_Distance_To_Fire_Points: [0, 7173],
};

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('generateCovertype', () => {
  it('has the 54 covertype columns in the original order', () => {
    expect(FEATURE_NAMES).toHaveLength(54);
    expect(FEATURE_NAMES.slice(0, 3)).toEqual(['Elevation', 'Aspect', 'Slope']);
    expect(FEATURE_NAMES[9]).toBe('Horizontal_Distance_To_Fire_Points');
    expect(FEATURE_NAMES[10]).toBe('Wilderness_Area_0');
    expect(FEATURE_NAMES[14]).toBe('Soil_Type_0');
    expect(FEATURE_NAMES[53]).toBe('Soil_Type_39');
    expect(CLASS_NAMES).toHaveLength(7);
  });

  it('draws integer rows within the real ranges, one wilderness area and one soil type each', () => {
    const { rows, labels } = generateCovertype({ n: 3000, seed: 11 });
    expect(rows).toHaveLength(3000);
    expect(labels).toHaveLength(3000);
    for (const row of rows) {
      expect(row).toHaveLength(54);
      FEATURE_NAMES.slice(0, 10).forEach((name, i) => {
        const [lo, hi] = RANGES[name]!;
        expect(Number.isInteger(row[i]) && row[i]! >= lo && row[i]! <= hi, `${name} = ${row[i]}`).toBe(true);
      });
      expect(row.slice(10, 14).reduce((a, b) => a + b, 0)).toBe(1);
      expect(row.slice(14).reduce((a, b) => a + b, 0)).toBe(1);
    }
    const counts = Array.from({ length: 7 }, (_, k) => labels.filter((l) => l === k).length);
    expect(counts.every((c) => c > 50)).toBe(true);
  });

  it('is deterministic for a seed and differs between seeds', () => {
    const a = generateCovertype({ n: 50, seed: 5, drift: 0.3 });
    expect(generateCovertype({ n: 50, seed: 5, drift: 0.3 })).toEqual(a);
    expect(generateCovertype({ n: 50, seed: 6, drift: 0.3 }).rows).not.toEqual(a.rows);
  });

  it('moves the data when drift is turned up', () => {
    const healthy = generateCovertype({ n: 4000, seed: 3, drift: 0 });
    const drifted = generateCovertype({ n: 4000, seed: 3, drift: 1 });
    expect(mean(drifted.rows.map((r) => r[0]!)) - mean(healthy.rows.map((r) => r[0]!))).toBeGreaterThan(150);
    expect(mean(drifted.rows.map((r) => r[5]!)) / mean(healthy.rows.map((r) => r[5]!))).toBeGreaterThan(1.3);
  });

  it('rejects a drift outside [0, 1] and a bad row count', () => {
    expect(() => generateCovertype({ n: 1, seed: 1, drift: 2 })).toThrow('generateCovertype: drift must be in [0, 1], got 2');
    expect(() => generateCovertype({ n: -1, seed: 1 })).toThrow('generateCovertype: n must be a non-negative integer, got -1');
  });

  it('writes CSV with a header and the label last', () => {
    const csv = formatCovertypeCsv(generateCovertype({ n: 2, seed: 1 }));
    const lines = csv.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]!.split(',')).toEqual([...FEATURE_NAMES, 'Cover_Type']);
    expect(lines[1]!.split(',')).toHaveLength(55);
  });
});
