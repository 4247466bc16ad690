// In-process stand-ins for the ranker's downstreams, for flow tests that need behaviour the real
// services cannot be told to have (a hang of one model version only, a version flip on demand). The
// whole stack over real gRPC is in tools/stack's e2e suites.
import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { features, type affinity, type common } from '@aisle/contracts';
import type { CallBound, Downstreams } from '../adapters/downstream';

/** The stand-in user's data version (change it to simulate a new purchase), a switch to fail affinity. */
export interface UserData {
  version: string;
  affinityFails?: boolean;
  /** The user read fails (UNAVAILABLE), or answers that the user is unknown. */
  contextFails?: boolean;
  unknown?: boolean;
  /** Version checks fail (UNAVAILABLE). */
  versionsFail?: boolean;
  /** Every user read, in order: 'context', or 'versions:<ids>' for a batch of version checks. */
  reads?: string[];
}

export const products = Array.from({ length: 50 }, (_, i) => `2${String(i).padStart(4, '0')}`);
const scored = (ids: string[]): common.ScoredProduct[] => ids.map((productId, i) => ({ productId, score: 1 - i / ids.length }));
const unavailable = (): ServiceError => Object.assign(new Error('UNAVAILABLE'), { code: status.UNAVAILABLE, details: 'affinity version away', metadata: new Metadata() });

/** Stand-in downstreams; affinity answers by model version: '' production, 'hangs' never, 'fails' UNAVAILABLE. */
export function downstreams(calls: string[], asked: string[][] = [], user: UserData = { version: 'v1' }): Downstreams {
  const never = (bound: CallBound) => new Promise<never>((_, reject) => bound.signal.addEventListener('abort', () => reject(new Error('aborted'))));
  return {
    userVersions: async (userIds) => {
      user.reads?.push(`versions:${userIds.join(',')}`);
      if (user.versionsFail) throw unavailable();
      return { versions: userIds.map((userId) => ({ userId, version: user.version, featureAgeMs: 7 })) };
    },
    userContext: async () => {
      user.reads?.push('context');
      if (user.contextFails) throw unavailable();
      if (user.unknown) return features.GetUserContextResponse.fromPartial({ known: false });
      return features.GetUserContextResponse.fromPartial({
        known: true,
        profile: { userId: 'u1', country: 'United Kingdom', firstSeenUnixMs: 1, lastSeenUnixMs: Date.UTC(2011, 10, 1), invoiceCount: 3, totalQuantity: 10, monetary: 30, distinctProducts: 2 },
        recent: [{ productId: products[0]!, timeUnixMs: Date.UTC(2011, 10, 1), quantity: 1 }],
        products: [{ productId: products[0]!, invoiceCount: 2, totalQuantity: 4, firstUnixMs: 1, lastUnixMs: Date.UTC(2011, 10, 1) }],
        featureAgeMs: 5,
        version: user.version,
      });
    },
    popular: async () => features.PopularResponse.fromPartial({ products: scored(products.slice(10, 40)) }),
    products: async (ids) => ({ products: ids.map((productId) => ({ productId, description: productId, isProduct: true, inStock: true }) as never), unknownProductIds: [] }),
    copurchaseCandidates: async (request) => {
      calls.push(`copurchase.candidates:${request.modelVersion}`);
      // Another co-purchase version proposes products nothing else in the pool proposes.
      const candidates = request.modelVersion ? products.slice(40, 49) : products.slice(1, 10);
      return { candidates: scored(candidates), unknownProductIds: [], model: { model: 'copurchase', version: request.modelVersion || 'c-prod' } };
    },
    copurchaseScore: async (request) => {
      calls.push(`copurchase.score:${request.modelVersion}`);
      return { scores: request.candidateIds.map((productId) => ({ productId, score: 0.1 })), unknownProductIds: [], model: { model: 'copurchase', version: request.modelVersion || 'c-prod' } };
    },
    affinityScore: async (request, bound): Promise<affinity.ScoreResponse> => {
      calls.push(`affinity.score:${request.modelVersion}`);
      if (user.affinityFails) throw unavailable();
      asked.push(request.candidateIds);
      if (request.modelVersion === 'hangs') return never(bound);
      if (request.modelVersion === 'fails') throw unavailable();
      // The pinned version likes only the popular end of the catalogue, production only the rest.
      const liked = (productId: string) => products.indexOf(productId) >= 10 === Boolean(request.modelVersion);
      const scores = request.candidateIds.map((productId) => ({ productId, probability: liked(productId) ? 1 : 0, contributions: [] }));
      return { scores, defaultedFeatures: [], unknownProductIds: [], model: { model: 'affinity', version: request.modelVersion || 'a-prod' } };
    },
    appendSlates: async () => ({ stored: 0, duplicates: 0 }),
    close: () => undefined,
  };
}
