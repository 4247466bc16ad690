// The inputs every run uses, fixed so runs compare: the customers Rank is asked about and the product
// pool the component calls score.
import { isProductId } from '@aisle/ranking';
import { isCleanLine, loadRetailLines } from '@aisle/retail-data';

export interface Fixtures {
  /** Every 20th customer of the shipped dataset, in a stable order, called round-robin. */
  users: string[];
  /** The 500 products bought on most lines: the size of one Rank's candidate pool. */
  productIds: string[];
}

export async function loadFixtures(): Promise<Fixtures> {
  const lines = (await loadRetailLines()).filter(isCleanLine);
  const users = [...new Set(lines.map((line) => line.customerId!))].sort().filter((_, i) => i % 20 === 0);
  const counts = new Map<string, number>();
  for (const line of lines) if (isProductId(line.stockCode)) counts.set(line.stockCode, (counts.get(line.stockCode) ?? 0) + 1);
  const productIds = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, 500).map(([id]) => id);
  return { users, productIds };
}
