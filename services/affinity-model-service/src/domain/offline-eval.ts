// Affinity-only ranking for OR-temporal-v1: candidates from popular + repeat + co-purchase (as the
// ranker would send them), scored by the model with features from all data before the cut, sorted by
// probability. The request context is the user's last country at noon on the cut day (the protocol has
// no request time; the test window's own times would leak).
import type { CleanLine, Recommender } from '@aisle/retail-data';
import type { AffinityModel } from './affinity-model';
import { candidateGenerator, type CandidateOptions } from './candidates';
import { DAY_MS } from './time';
import { userStates } from './user-state';

export function affinityRecommender(model: AffinityModel, train: readonly CleanLine[], cutMs: number, options?: CandidateOptions): Recommender {
  const states = userStates(train, cutMs);
  const generator = candidateGenerator(train, options);
  const timeMs = cutMs + DAY_MS / 2;
  return (user, { k, exclude }) => {
    const state = states.get(user);
    const candidates = generator.candidates(user, state?.history, exclude);
    const { scores } = model.score({ user: state?.profile, history: state?.history ?? new Map(), context: { country: state?.profile.country ?? '', timeMs } }, candidates, 0);
    const rank = generator.popularRank;
    return scores
      .sort((a, b) => b.probability - a.probability || (rank.get(a.productId) ?? Infinity) - (rank.get(b.productId) ?? Infinity))
      .slice(0, k)
      .map((s) => s.productId);
  };
}
