// The calls a load-generator process makes, on @grpc/grpc-js channels (the generated ts-proto client
// constructors, and for Rank the generated method with a reader of just the fields counted; no retries,
// no Aisle client code on the path), plus the two in-process components.
import { credentials, makeGenericClientConstructor, Metadata, status, type Client, type ServiceError } from '@grpc/grpc-js';
import { affinity, common, copurchase, features, ranker } from '@aisle/contracts';
import { loadStoreConfig, openStore } from '@aisle/feature-store';
import { breakdown, DEFAULT_BLEND, emptySignals, selectTopK, total, type ScoredCandidate } from '@aisle/ranking';
import { ECHO_CLIENT, type EchoClient } from './echo-server';
import type { Outcome } from './loops';
import { RANK_OUTCOME_METHOD, type RankOutcome } from './rank-outcome';
import type { Target } from './jobs';

export type Call = (i: number) => Promise<Outcome>;

const channels = new Map<string, Client>();
const closers: (() => Promise<void>)[] = [];

function channel<C extends Client>(key: string, make: () => C): C {
  let client = channels.get(key) as C | undefined;
  if (!client) {
    client = make();
    channels.set(key, client);
  }
  return client;
}

export async function closeAll(): Promise<void> {
  for (const client of channels.values()) client.close();
  channels.clear();
  await Promise.all(closers.splice(0).map((close) => close()));
}

const insecure = credentials.createInsecure();
// Like the services' own client channels (libs/grpc-kit): no channelz bookkeeping per call.
const CHANNEL_OPTIONS = { 'grpc.enable_channelz': 0 };
const CONTEXT = { country: 'United Kingdom', timeUnixMs: 0 };

type Unary<Req, Res> = (request: Req, metadata: Metadata, options: { deadline: number }, callback: (error: ServiceError | null, response: Res) => void) => unknown;

/** One unary call as an Outcome: OK, or the status name it ended with. */
function unary<Req, Res>(client: Client, method: Unary<Req, Res>, request: Req, deadlineMs: number, judge?: (response: Res) => Omit<Outcome & { ok: true }, 'ok'>): Promise<Outcome> {
  return new Promise((resolve) => {
    method.call(client, request, new Metadata(), { deadline: Date.now() + deadlineMs }, (error, response) => {
      if (error) resolve({ ok: false, status: status[error.code] ?? `CODE_${error.code}` });
      else resolve({ ok: true, ...judge?.(response) });
    });
  });
}

// The ranker's Rank, answering with what the load generator counts (see rank-outcome.ts).
type RankClient = Client & { rank: Unary<ranker.RankRequest, RankOutcome> };
const RANK_CLIENT = makeGenericClientConstructor({ rank: RANK_OUTCOME_METHOD }, 'RankerService');

async function userContexts(featuresAddress: string, users: string[]): Promise<features.GetUserContextResponse[]> {
  const client = channel(`features@${featuresAddress}`, () => new features.FeatureServiceClient(featuresAddress, insecure, CHANNEL_OPTIONS));
  const contexts: features.GetUserContextResponse[] = [];
  for (const userId of users.slice(0, 50)) {
    const context = await new Promise<features.GetUserContextResponse>((resolve, reject) =>
      client.getUserContext({ userId, recentLimit: 50 }, new Metadata(), { deadline: Date.now() + 10_000 }, (error, response) => (error ? reject(error) : resolve(response))),
    );
    if (context.known) contexts.push(context);
  }
  if (contexts.length === 0) throw new Error(`the feature service at ${featuresAddress} knows none of the benchmark users`);
  return contexts;
}

/** Seeds the way the ranker builds them: the user's latest distinct purchases, weights decaying. */
function seedsOf(context: features.GetUserContextResponse): common.ProductRef[] {
  const seen = new Set<string>();
  const seeds: common.ProductRef[] = [];
  for (const purchase of context.recent) {
    if (seen.has(purchase.productId)) continue;
    seen.add(purchase.productId);
    seeds.push({ productId: purchase.productId, weight: Math.pow(0.85, seeds.length) });
    if (seeds.length >= 20) break;
  }
  return seeds;
}

/** A deterministic pool of blended candidates like one Rank's: signals spread over [0, 1]. */
export function blendPool(productIds: string[]): ReturnType<typeof emptySignals>[] {
  return productIds.map((productId, i) => ({
    ...emptySignals(productId),
    copurchase: ((i * 37) % 101) / 100,
    affinity: ((i * 53) % 97) / 96,
    popularity: 1 - i / productIds.length,
    repeat: i % 7 === 0 ? ((i * 11) % 89) / 88 : 0,
    context: ((i * 29) % 83) / 82,
  }));
}

export async function prepareCall(target: Target, deadlineMs: number): Promise<Call> {
  switch (target.kind) {
    case 'echo': {
      const client = channel(`echo@${target.address}`, () => new ECHO_CLIENT(target.address, insecure, CHANNEL_OPTIONS) as unknown as EchoClient);
      const payload = Buffer.alloc(64, 1);
      return () => unary(client, client.echo, payload, deadlineMs);
    }
    case 'rank': {
      const client = channel(`ranker@${target.address}`, () => new RANK_CLIENT(target.address, insecure, CHANNEL_OPTIONS) as unknown as RankClient);
      const users = target.users;
      const options = { excludePurchased: false, explain: false, fresh: target.fresh ?? false };
      return (i) => unary(client, client.rank, { userId: users[i % users.length]!, k: 10, context: CONTEXT, excludeProductIds: [], options }, deadlineMs, (outcome) => outcome);
    }
    case 'getUserContext': {
      const client = channel(`features@${target.address}`, () => new features.FeatureServiceClient(target.address, insecure, CHANNEL_OPTIONS));
      const users = target.users;
      return (i) => unary(client, client.getUserContext, { userId: users[i % users.length]!, recentLimit: 50 }, deadlineMs);
    }
    case 'batchGetProducts': {
      const client = channel(`features@${target.address}`, () => new features.FeatureServiceClient(target.address, insecure, CHANNEL_OPTIONS));
      const request = { productIds: target.productIds };
      return () => unary(client, client.batchGetProducts, request, deadlineMs);
    }
    case 'candidates': {
      const contexts = await userContexts(target.featuresAddress, target.users);
      const requests = contexts.map((context) => ({ seeds: seedsOf(context), limit: 200, excludeProductIds: [], modelVersion: '' })).filter((request) => request.seeds.length > 0);
      const client = channel(`copurchase@${target.address}`, () => new copurchase.CopurchaseServiceClient(target.address, insecure, CHANNEL_OPTIONS));
      return (i) => unary(client, client.candidates, requests[i % requests.length]!, deadlineMs);
    }
    case 'affinityScore': {
      const contexts = await userContexts(target.featuresAddress, target.users);
      const candidateIds = target.productIds;
      const requests = contexts.map((context) => {
        const pool = new Set(candidateIds);
        return { user: context.profile, history: context.products.filter((p) => pool.has(p.productId)), candidateIds, context: CONTEXT, explainTop: 0, modelVersion: '' };
      });
      const client = channel(`affinity@${target.address}`, () => new affinity.AffinityServiceClient(target.address, insecure, CHANNEL_OPTIONS));
      return (i) => unary(client, client.score, requests[i % requests.length]! as affinity.ScoreRequest, deadlineMs);
    }
    case 'blend': {
      const pool = blendPool(target.productIds);
      const exclude = new Set(target.productIds.filter((_, i) => i % 50 === 0));
      return async () => {
        const scored: ScoredCandidate[] = pool.map((signals) => {
          const parts = breakdown(signals, DEFAULT_BLEND);
          return { signals, parts, score: total(parts), description: '' };
        });
        const page = selectTopK(scored, { k: 10, exclude, unavailable: new Set(), maxPerFamily: 2 });
        return page.length > 0 ? { ok: true } : { ok: false, status: 'EMPTY_PAGE' };
      };
    }
    case 'storeRead': {
      const store = openStore(loadStoreConfig({ ...process.env, ...target.storeEnv }));
      closers.push(() => store.close());
      const users = target.users;
      return async (i) => {
        const context = await store.getUserContext(users[i % users.length]!, 50);
        return { ok: true, degraded: !context.known };
      };
    }
  }
}
