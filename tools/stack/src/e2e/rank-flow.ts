// Assertions shared by the end-to-end suites (embedded store and Cassandra).
import { common, type ranker } from '@aisle/contracts';
import { createRankerClient } from '@aisle/ranker-client';
import { expect } from 'vitest';

export const STATE = common.SourceState;

export function stateOf(response: ranker.RankResponse, source: string): common.SourceState | undefined {
  return response.sources.find((entry) => entry.source === source)?.state;
}

export async function rank(address: string, request: Partial<ranker.RankRequest> & { userId: string; k: number }, timeoutMs = 15_000): Promise<ranker.RankResponse> {
  const client = createRankerClient(address, { timeoutMs });
  try {
    return await client.rank(request);
  } finally {
    client.close();
  }
}

/** What every good answer satisfies: K distinct items, ordered, breakdowns that add up. */
export function expectWellFormed(response: ranker.RankResponse, k: number): void {
  expect(response.items.length).toBe(k);
  expect(new Set(response.items.map((item) => item.productId)).size).toBe(k);
  for (let index = 1; index < response.items.length; index++) expect(response.items[index - 1]!.score).toBeGreaterThanOrEqual(response.items[index]!.score);
  for (const item of response.items) {
    const b = item.breakdown!;
    expect(b.copurchase + b.affinity + b.popularity + b.repeat + b.context).toBeCloseTo(item.score, 9);
    expect(item.candidateSources.length).toBeGreaterThan(0);
  }
  expect(response.timings.map((timing) => timing.stage)).toEqual(['user_context', 'candidates', 'scores', 'merge']);
}
