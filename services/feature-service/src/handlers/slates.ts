// aisle.features.v1.SlateLogService: the ranker's served (and shadow) slates, kept for replay
// evaluation and training until they expire. A batch is checked whole before anything is stored.
import { InvalidArgumentError, requireFinite, requireId, requireIds, requireIntInRange, requireMaxItems, requireText, type AsyncService } from '@aisle/grpc-kit';
import type { slates } from '@aisle/contracts';
import type { FeatureStore } from '@aisle/feature-store';
import { meter } from '@aisle/telemetry';
import { fromStore } from './store-errors';

const MAX_SLATES = 1000;
const MAX_CANDIDATES = 1000;
const MAX_SERVED = 100;
const stored = meter.createCounter('aisle.slates.stored', { description: 'Logged slates stored (duplicates of a retried batch not counted)' });

export function slateLogHandlers(store: FeatureStore, ttlSeconds: number): AsyncService<typeof slates.SlateLogServiceService> {
  return {
    appendSlates: async (request) => {
      requireMaxItems(request.slates, 'slates', MAX_SLATES, 1);
      request.slates.forEach(validateSlate);
      const result = await fromStore(store.appendSlates(request.slates, ttlSeconds));
      stored.add(result.stored);
      return result;
    },
  };
}

function validateSlate(slate: slates.Slate, index: number): void {
  const at = `slates[${index}]`;
  requireId(slate.slateId, `${at}.slate_id`);
  requireId(slate.requestId, `${at}.request_id`);
  requireId(slate.userHash, `${at}.user_hash`);
  requireText(slate.context?.country ?? '', `${at}.context.country`, 64);
  requireFinite(slate.context?.timeUnixMs ?? 0, `${at}.context.time_unix_ms`, { min: 0 });
  requireFinite(slate.servedUnixMs, `${at}.served_unix_ms`, { min: 1 });
  // A row of later servings of one page: its last serving is not before its first.
  if (slate.lastServedUnixMs !== 0) requireFinite(slate.lastServedUnixMs, `${at}.last_served_unix_ms`, { min: slate.servedUnixMs });
  if (slate.repeatOf !== '') {
    requireId(slate.repeatOf, `${at}.repeat_of`);
    if (slate.shadow) throw new InvalidArgumentError(`${at}.repeat_of`, 'is set on a shadow slate, which nobody was served');
  }
  requireText(slate.experiment, `${at}.experiment`, 64);
  requireText(slate.variant, `${at}.variant`, 64);
  requireMaxItems(slate.models, `${at}.models`, 10);
  slate.models.forEach((model, i) => {
    requireId(model.model, `${at}.models[${i}].model`);
    requireId(model.version, `${at}.models[${i}].version`, 128);
  });
  requireMaxItems(slate.candidates, `${at}.candidates`, MAX_CANDIDATES);
  slate.candidates.forEach((candidate, i) => {
    const where = `${at}.candidates[${i}]`;
    requireId(candidate.productId, `${where}.product_id`);
    for (const field of ['score', 'copurchase', 'affinity', 'popularity', 'repeat', 'context'] as const) requireFinite(candidate[field], `${where}.${field}`);
    requireIds(candidate.sources, `${where}.sources`, 10);
  });
  requireIds(slate.served, `${at}.served`, MAX_SERVED);
  requireIntInRange(slate.k, `${at}.k`, 1, 100);
}
