// The ranker's view of the three services behind it: one grpc-js client each (created once, reused
// by every call), every call bounded by an absolute deadline and cancelled with the caller's call.
import { affinity, copurchase, features, slates } from '@aisle/contracts';
import { createClient, unaryCall } from '@aisle/grpc-kit';

export interface CallBound {
  deadline: number;
  signal: AbortSignal;
}

export interface Downstreams {
  userContext(userId: string, bound: CallBound): Promise<features.GetUserContextResponse>;
  userVersions(userIds: string[], bound: CallBound): Promise<features.GetUserVersionsResponse>;
  popular(request: features.PopularRequest, bound: CallBound): Promise<features.PopularResponse>;
  products(productIds: string[], bound: CallBound): Promise<features.BatchGetProductsResponse>;
  copurchaseCandidates(request: copurchase.CandidatesRequest, bound: CallBound): Promise<copurchase.CandidatesResponse>;
  copurchaseScore(request: copurchase.ScoreRequest, bound: CallBound): Promise<copurchase.ScoreResponse>;
  affinityScore(request: affinity.ScoreRequest, bound: CallBound): Promise<affinity.ScoreResponse>;
  appendSlates(batch: slates.Slate[], deadline: number): Promise<slates.AppendSlatesResponse>;
  close(): void;
}

export interface DownstreamAddresses {
  features: string;
  copurchase: string;
  affinity: string;
}

export function grpcDownstreams(addresses: DownstreamAddresses): Downstreams {
  // Every method here is a read: safe to retry on UNAVAILABLE within the same deadline.
  const featureClient = createClient(features.FeatureServiceClient, addresses.features, {
    service: 'aisle.features.v1.FeatureService',
    idempotentMethods: ['GetUserContext', 'GetUserVersions', 'Popular', 'BatchGetProducts'],
  });
  const copurchaseClient = createClient(copurchase.CopurchaseServiceClient, addresses.copurchase, {
    service: 'aisle.copurchase.v1.CopurchaseService',
    idempotentMethods: ['Candidates', 'Score'],
  });
  const affinityClient = createClient(affinity.AffinityServiceClient, addresses.affinity, {
    service: 'aisle.affinity.v1.AffinityService',
    idempotentMethods: ['Score'],
  });
  // Idempotent by slate id, so a retried AppendSlates stores each slate once.
  const slateClient = createClient(slates.SlateLogServiceClient, addresses.features, { service: 'aisle.features.v1.SlateLogService', idempotentMethods: ['AppendSlates'] });
  return {
    userContext: (userId, bound) => unaryCall(featureClient, featureClient.getUserContext, { userId, recentLimit: 50 }, bound),
    userVersions: (userIds, bound) => unaryCall(featureClient, featureClient.getUserVersions, { userIds }, bound),
    popular: (request, bound) => unaryCall(featureClient, featureClient.popular, request, bound),
    products: (productIds, bound) => unaryCall(featureClient, featureClient.batchGetProducts, { productIds }, bound),
    copurchaseCandidates: (request, bound) => unaryCall(copurchaseClient, copurchaseClient.candidates, request, bound),
    copurchaseScore: (request, bound) => unaryCall(copurchaseClient, copurchaseClient.score, request, bound),
    affinityScore: (request, bound) => unaryCall(affinityClient, affinityClient.score, request, bound),
    appendSlates: (batch, deadline) => unaryCall(slateClient, slateClient.appendSlates, { slates: batch }, { deadline }),
    close: () => {
      slateClient.close();
      featureClient.close();
      copurchaseClient.close();
      affinityClient.close();
    },
  };
}
