/**
 * @module A seeded generator of covertype-shaped data: the 54 columns of the UCI forest covertype set (Elevation ...
 * Soil_Type_39) with the real set's ranges, 7 classes (Cover_Type - 1, as the seed notebook uses them) and a drift knob.
 *
 * The real set cannot be downloaded here, so rows are drawn class first: each cover type has its own elevation band,
 * wilderness areas, soil types, slope, aspect and distances, loosely after the real set's class profiles. Hillshades
 * follow from aspect and slope. The classes overlap (Spruce/Fir against Lodgepole Pine mostly, as in the real data), so a
 * model learns them well but not perfectly.
 *
 * `drift` (0..1) moves the data away from the training distribution: every cover type is found higher up, each type's
 * soils and wilderness areas are swapped for another type's in a growing share of rows, roads and fire points get
 * further away, and the class mix evens out. At 1 the demo model's accuracy drops clearly (see docs/serving.md).
 */

import { createRandom, type Random } from './random.ts';

/** The 54 feature columns, in the covertype set's order. */
export const FEATURE_NAMES: readonly string[] = Object.freeze([
  'Elevation',
  'Aspect',
  'Slope',
  'Horizontal_Distance_To_Hydrology',
  'Vertical_Distance_To_Hydrology',
  'Horizontal_Distance_To_Roadways',
  'Hillshade_9am',
  'Hillshade_Noon',
  'Hillshade_3pm',
  'Horizontal_Distance_To_Fire_Points',
  ...Array.from({ length: 4 }, (_, i) => `Wilderness_Area_${i}`),
  ...Array.from({ length: 40 }, (_, i) => `Soil_Type_${i}`),
]);

/** Name of the label column when the data is written as CSV. */
export const LABEL_NAME = 'Cover_Type';

/** The 7 cover types; label i is CLASS_NAMES[i]. */
export const CLASS_NAMES: readonly string[] = Object.freeze([
  'Spruce/Fir',
  'Lodgepole Pine',
  'Ponderosa Pine',
  'Cottonwood/Willow',
  'Aspen',
  'Douglas-fir',
  'Krummholz',
]);

/** Options of generateCovertype. */
export interface CovertypeOptions {
  /** Number of rows. */
  n: number;
  /** PRNG seed; the same seed gives the same rows. */
  seed: number;
  /** 0 = the training distribution (default), 1 = strongly drifted; values in between interpolate. */
  drift?: number;
}

/** Generated rows (FEATURE_NAMES order, integers like the real set) and their labels (0..6). */
export interface CovertypeData {
  rows: number[][];
  labels: number[];
}

interface ClassProfile {
  prior: number;
  elevation: [mean: number, sd: number];
  aspectMode: number;
  slope: [mean: number, sd: number];
  hydrology: number;
  roadways: number;
  firePoints: number;
  wilderness: [number, number, number, number];
  soils: readonly number[];
}

// Loosely after the real set's per-class means; priors less skewed so every class is learnable.
const PROFILES: readonly ClassProfile[] = [
  { prior: 0.33, elevation: [3130, 150], aspectMode: 60, slope: [13, 6], hydrology: 270, roadways: 2600, firePoints: 2000, wilderness: [0.45, 0.1, 0.45, 0], soils: [22, 28, 32, 33, 12, 23] },
  { prior: 0.38, elevation: [2930, 170], aspectMode: 150, slope: [13, 7], hydrology: 280, roadways: 2400, firePoints: 2150, wilderness: [0.55, 0.03, 0.4, 0.02], soils: [28, 31, 19, 11, 9, 30] },
  { prior: 0.07, elevation: [2390, 150], aspectMode: 180, slope: [20, 8], hydrology: 210, roadways: 1000, firePoints: 900, wilderness: [0, 0, 0.35, 0.65], soils: [9, 1, 3, 5, 16] },
  { prior: 0.04, elevation: [2220, 90], aspectMode: 120, slope: [18, 8], hydrology: 110, roadways: 900, firePoints: 850, wilderness: [0, 0, 0, 1], soils: [2, 3, 9, 16, 5] },
  { prior: 0.06, elevation: [2790, 100], aspectMode: 140, slope: [16, 7], hydrology: 210, roadways: 1500, firePoints: 1600, wilderness: [0.55, 0, 0.45, 0], soils: [19, 28, 10, 17, 13] },
  { prior: 0.06, elevation: [2420, 150], aspectMode: 160, slope: [19, 8], hydrology: 220, roadways: 1100, firePoints: 1050, wilderness: [0, 0, 0.45, 0.55], soils: [2, 9, 5, 1, 15] },
  { prior: 0.06, elevation: [3360, 100], aspectMode: 110, slope: [14, 7], hydrology: 360, roadways: 2700, firePoints: 2050, wilderness: [0.25, 0.15, 0.6, 0], soils: [37, 38, 39, 34, 35, 21] },
];

// Per class: weight of each of the 40 soil types (its favoured soils first, heavier), plus a small floor.
const SOIL_WEIGHTS: readonly number[][] = PROFILES.map((p) => {
  const weights = Array.from({ length: 40 }, () => 0.012);
  p.soils.forEach((soil, rank) => (weights[soil]! += 1 / (rank + 1.5)));
  return weights;
});

// Sun position for the three hillshade columns: azimuth and zenith in degrees.
const SUN = [
  { azimuth: 100, zenith: 55 },
  { azimuth: 180, zenith: 25 },
  { azimuth: 260, zenith: 50 },
];

const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x));
const toRad = (deg: number): number => (deg * Math.PI) / 180;

/** A positive, right-skewed draw with the given mean (lognormal with sigma 0.6). */
function skewed(random: Random, mean: number): number {
  const sigma = 0.6;
  return mean * Math.exp(random.normal(-sigma * sigma / 2, sigma));
}

function hillshade(random: Random, aspect: number, slope: number, sun: { azimuth: number; zenith: number }): number {
  const z = toRad(sun.zenith);
  const s = toRad(slope);
  const shade = 255 * (Math.cos(z) * Math.cos(s) + Math.sin(z) * Math.sin(s) * Math.cos(toRad(sun.azimuth - aspect)));
  return Math.round(clamp(shade + random.normal(0, 8), 0, 254));
}

function drawRow(random: Random, label: number, drift: number): number[] {
  const p = PROFILES[label]!;
  // Drift swaps soils and wilderness areas for those of another cover type in a share of rows.
  const habitat = random.next() < 0.5 * drift ? PROFILES[(label + 3) % 7]! : p;
  const habitatIndex = PROFILES.indexOf(habitat);
  const elevation = Math.round(clamp(random.normal(p.elevation[0] + 260 * drift, p.elevation[1]), 1859, 3858));
  const aspect =
    random.next() < 0.4 ? Math.floor(random.next() * 360) : Math.round((random.normal(p.aspectMode, 60) % 360) + 360) % 360;
  const slope = Math.round(clamp(random.normal(p.slope[0], p.slope[1]), 0, 66));
  const hydroH = Math.round(clamp(skewed(random, p.hydrology), 0, 1397));
  const hydroV = Math.round(clamp(0.18 * hydroH + random.normal(0, 35), -173, 601));
  const roads = Math.round(clamp(skewed(random, p.roadways * (1 + 0.6 * drift)), 0, 7117));
  const fire = Math.round(clamp(skewed(random, p.firePoints * (1 + 0.4 * drift)), 0, 7173));
  const shades = SUN.map((sun) => hillshade(random, aspect, slope, sun));
  const wilderness = random.pick(habitat.wilderness);
  const soil = random.pick(SOIL_WEIGHTS[habitatIndex]!);
  const row = [elevation, aspect, slope, hydroH, hydroV, roads, shades[0]!, shades[1]!, shades[2]!, fire];
  for (let i = 0; i < 4; i++) row.push(i === wilderness ? 1 : 0);
  for (let i = 0; i < 40; i++) row.push(i === soil ? 1 : 0);
  return row;
}

/** Draws `n` covertype-shaped rows and their labels; deterministic for a given seed and drift. */
export function generateCovertype(options: CovertypeOptions): CovertypeData {
  const { n, seed, drift = 0 } = options;
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`generateCovertype: n must be a non-negative integer, got ${n}`);
  if (!(drift >= 0 && drift <= 1)) throw new RangeError(`generateCovertype: drift must be in [0, 1], got ${drift}`);
  const random = createRandom(seed);
  // Drift also evens out the class mix (half way to uniform at drift 1).
  const priors = PROFILES.map((p) => (1 - 0.5 * drift) * p.prior + (0.5 * drift) / 7);
  const rows: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const label = random.pick(priors);
    labels.push(label);
    rows.push(drawRow(random, label, drift));
  }
  return { rows, labels };
}
