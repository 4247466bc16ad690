// Rank: validates the request (the only way Rank fails), runs the flow, maps the result to proto.
import { ranker } from '@aisle/contracts';
import { InvalidArgumentError, requireId, requireIds, requireIntInRange, requireText, type CallContext } from '@aisle/grpc-kit';
import { currentTraceId } from '@aisle/telemetry';
import { rank, type RankDependencies, type RankInput, type RankResult } from '../flow/rank';

export const LIMITS = { k: { min: 1, max: 100 }, exclude: 1000, countryLength: 64 } as const;

export function toRankInput(request: ranker.RankRequest): RankInput {
  const userId = requireId(request.userId, 'user_id');
  const k = requireIntInRange(request.k, 'k', LIMITS.k.min, LIMITS.k.max);
  const exclude = requireIds(request.excludeProductIds, 'exclude_product_ids', LIMITS.exclude);
  const country = requireText(request.context?.country ?? '', 'context.country', LIMITS.countryLength);
  const timeUnixMs = request.context?.timeUnixMs ?? 0;
  if (!Number.isSafeInteger(timeUnixMs) || timeUnixMs < 0) throw new InvalidArgumentError('context.time_unix_ms', 'must be a non-negative time in ms');
  return {
    userId,
    k,
    country,
    timeUnixMs,
    exclude: new Set(exclude),
    excludePurchased: request.options?.excludePurchased ?? false,
    explain: request.options?.explain ?? false,
    fresh: request.options?.fresh ?? false,
  };
}

const round = (value: number) => Math.round(value * 1e6) / 1e6;

// A reused answer serves the very same items again (flow/rank.ts keeps the array), so they are put in
// the response's form once per computed answer, not once per call.
const responseItems = new WeakMap<RankResult['items'], ranker.RankedItem[]>();

function toResponseItems(items: RankResult['items']): ranker.RankedItem[] {
  let converted = responseItems.get(items);
  if (converted) return converted;
  converted = items.map(({ candidate, explanations }) => {
    // Round the parts first and sum the rounded parts, so the breakdown adds up exactly.
    const parts = {
      copurchase: round(candidate.parts.copurchase),
      affinity: round(candidate.parts.affinity),
      popularity: round(candidate.parts.popularity),
      repeat: round(candidate.parts.repeat),
      context: round(candidate.parts.context),
    };
    return {
      productId: candidate.signals.productId,
      description: candidate.description,
      score: parts.copurchase + parts.affinity + parts.popularity + parts.repeat + parts.context,
      breakdown: parts,
      candidateSources: [...candidate.signals.sources].sort(),
      explanations: explanations.map((entry) => ({ feature: entry.feature, value: entry.value, contribution: entry.contribution })),
    };
  });
  responseItems.set(items, converted);
  return converted;
}

// A reused answer serves the same page again, with the same sources, models and variant: those are
// most of a response's bytes (items with their breakdowns and explanations, model versions), so their
// encoding is kept beside the converted page, and only what is the call's own (timings, feature and
// answer ages, trace id) is encoded per call. Two encoded messages one after the other parse as one
// message with the fields of both (the protobuf encoding's merge rule), so the response is the kept
// bytes followed by the call's.
interface EncodedAnswer {
  sources: ranker.RankResponse['sources'];
  models: ranker.RankResponse['models'];
  coldStart: boolean;
  experiment: string;
  variant: string;
  bytes: Uint8Array;
}
const encodedAnswers = new WeakMap<ranker.RankedItem[], EncodedAnswer>();

export function serializeRankResponse(response: ranker.RankResponse): Buffer {
  const { items, sources, models, coldStart, experiment, variant } = response;
  let held = encodedAnswers.get(items);
  if (held?.sources !== sources || held.models !== models || held.coldStart !== coldStart || held.experiment !== experiment || held.variant !== variant) {
    const bytes = ranker.RankResponse.encode(ranker.RankResponse.fromPartial({ items, sources, models, coldStart, experiment, variant })).finish();
    held = { sources, models, coldStart, experiment, variant, bytes };
    encodedAnswers.set(items, held);
  }
  const own = ranker.RankResponse.encode({ ...response, items: [], sources: [], models: [], coldStart: false, experiment: '', variant: '' }).finish();
  return Buffer.concat([held.bytes, own], held.bytes.length + own.length);
}

export function rankHandler(deps: RankDependencies) {
  return async (request: ranker.RankRequest, context: CallContext): Promise<ranker.RankResponse> => {
    const input = toRankInput(request);
    const result = await rank(input, context, deps);
    return {
      items: toResponseItems(result.items),
      sources: result.sources,
      models: result.models,
      coldStart: result.coldStart,
      featureAgeMs: result.featureAgeMs,
      timings: result.timings,
      traceId: currentTraceId(),
      experiment: result.experiment,
      variant: result.variant,
      answerAgeMs: result.answerAgeMs,
    };
  };
}
