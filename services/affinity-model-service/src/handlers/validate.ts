// Proto → domain input, validated field by field; every rejection names its field.
import type { affinity, common } from '@aisle/contracts';
import { InvalidArgumentError, requireFinite, requireId, requireIntInRange, requireMaxItems } from '@aisle/grpc-kit';
import { requireModelVersion } from '@aisle/model-serving';
import type { FeatureRequest, ProductHistory, UserSnapshot } from '../domain/features';
import { LIMITS } from './limits';

// Text fields are printable and bounded; control characters would poison logs and keys.
function hasControl(text: string): boolean {
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

function nonNegative(value: number, field: string): number {
  return requireFinite(value, field, { min: 0 });
}

/** Quantities and money net returns and cancellations against purchases, so they may be negative. */
function net(value: number, field: string): number {
  return requireFinite(value, field);
}

function user(profile: common.UserProfile | undefined): UserSnapshot | undefined {
  // An absent profile, or the empty one the feature service returns for a user it does not know.
  if (profile === undefined || profile.invoiceCount === 0) return undefined;
  if (profile.userId.length > 64) throw new InvalidArgumentError('user.user_id', 'must be at most 64 characters');
  if (profile.country.length > LIMITS.countryLength || hasControl(profile.country)) throw new InvalidArgumentError('user.country', `must be at most ${LIMITS.countryLength} printable characters`);
  return {
    country: profile.country,
    firstSeenUnixMs: nonNegative(profile.firstSeenUnixMs, 'user.first_seen_unix_ms'),
    lastSeenUnixMs: nonNegative(profile.lastSeenUnixMs, 'user.last_seen_unix_ms'),
    invoiceCount: nonNegative(profile.invoiceCount, 'user.invoice_count'),
    totalQuantity: net(profile.totalQuantity, 'user.total_quantity'),
    monetary: net(profile.monetary, 'user.monetary'),
    distinctProducts: nonNegative(profile.distinctProducts, 'user.distinct_products'),
  };
}

function history(entries: readonly common.UserProductStats[]): Map<string, ProductHistory> {
  requireMaxItems(entries, 'history', LIMITS.history);
  const out = new Map<string, ProductHistory>();
  entries.forEach((h, i) => {
    const field = `history[${i}]`;
    out.set(requireId(h.productId, `${field}.product_id`), {
      productId: h.productId,
      invoiceCount: nonNegative(h.invoiceCount, `${field}.invoice_count`),
      totalQuantity: net(h.totalQuantity, `${field}.total_quantity`),
      firstUnixMs: nonNegative(h.firstUnixMs, `${field}.first_unix_ms`),
      lastUnixMs: nonNegative(h.lastUnixMs, `${field}.last_unix_ms`),
      spend: net(h.spend, `${field}.spend`),
    });
  });
  return out;
}

export interface ValidScoreRequest {
  features: FeatureRequest;
  candidates: string[];
  explainTop: number;
  /** The registered version to answer with; "" = production. */
  modelVersion: string;
}

/** `nowMs` stands in for an unset request time (the proto's "0 means now"). */
export function validScoreRequest(request: affinity.ScoreRequest, nowMs: number): ValidScoreRequest {
  requireMaxItems(request.candidateIds, 'candidate_ids', LIMITS.candidates, 1);
  request.candidateIds.forEach((id, i) => requireId(id, `candidate_ids[${i}]`));
  const explainTop = requireIntInRange(request.explainTop, 'explain_top', 0, LIMITS.explainTop);
  const country = request.context?.country ?? '';
  if (country.length > LIMITS.countryLength || hasControl(country)) throw new InvalidArgumentError('context.country', `must be at most ${LIMITS.countryLength} printable characters`);
  const time = nonNegative(request.context?.timeUnixMs ?? 0, 'context.time_unix_ms');
  const modelVersion = requireModelVersion(request.modelVersion);
  return {
    features: { user: user(request.user), history: history(request.history), context: { country, timeMs: time === 0 ? nowMs : time } },
    candidates: [...request.candidateIds],
    explainTop,
    modelVersion,
  };
}
