// Small synthetic baskets with known structure, for tests: three "themes" of products that are
// bought together, plus a little cross-theme noise. Never the real dataset.
import { seededRandom } from '@aisle/retail-data';

export const THEMES: readonly (readonly string[])[] = [
  ['A1', 'A2', 'A3', 'A4', 'A5', 'A6'],
  ['B1', 'B2', 'B3', 'B4', 'B5', 'B6'],
  ['C1', 'C2', 'C3', 'C4', 'C5', 'C6'],
];

export function syntheticBaskets(count = 300, seed = 7): string[][] {
  const random = seededRandom(seed);
  const baskets: string[][] = [];
  for (let b = 0; b < count; b += 1) {
    const theme = THEMES[b % THEMES.length];
    const basket = new Set<string>();
    const size = 3 + Math.floor(random() * 3);
    while (basket.size < size) basket.add(theme[Math.floor(random() * theme.length)]);
    if (random() < 0.1) {
      const other = THEMES[(b + 1) % THEMES.length];
      basket.add(other[Math.floor(random() * other.length)]);
    }
    baskets.push([...basket]);
  }
  return baskets;
}
