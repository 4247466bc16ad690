// The one interface both stores implement and the contract suite (src/testing/contract.ts) checks.
import type {
  ArtifactChunk,
  ErasureCounts,
  IngestResult,
  ModelVersionInfo,
  ModelVersionInput,
  PopularityWindow,
  ProductRecord,
  Promotion,
  Rollback,
  ScoredProduct,
  Slate,
  SlateAppendResult,
  StockUpdate,
  TransactionLine,
  UserContext,
  UserVersion,
} from './types';

export interface FeatureStore {
  readonly kind: 'sqlite' | 'cassandra';

  /**
   * Applies already-validated lines. A line whose id was applied before is a duplicate and changes
   * nothing; the promise resolves only once every applied line is durable.
   */
  ingest(lines: readonly TransactionLine[]): Promise<IngestResult>;
  /** Profile, newest-first purchases (at most `recentLimit`) and per-product history of one user. */
  getUserContext(userId: string, recentLimit: number): Promise<UserContext>;
  /**
   * The users' current versions: one key read each, written with every ingest that applies a line of
   * the user's and removed by eraseUser. A user without one (unknown, or no write since the store kept
   * versions) is absent from the map.
   */
  userVersions(userIds: readonly string[]): Promise<Map<string, UserVersion>>;
  /** Known products among `productIds`; unknown ids are simply absent from the map. */
  getProducts(productIds: readonly string[]): Promise<Map<string, ProductRecord>>;
  /**
   * Records stock updates, durable when the promise resolves. Per product the update with the latest
   * `updatedUnixMs` stands, whatever order updates arrive in (of two with the same time, in stock wins);
   * getProducts reports it as `inStock` (true for a product never updated).
   */
  setStock(updates: readonly StockUpdate[]): Promise<void>;
  /** The last computed ranking of a scope (GLOBAL_SCOPE or a country), most popular first. */
  popular(scope: string, window: PopularityWindow, limit: number): Promise<ScoredProduct[]>;
  /** Recomputes the popularity rankings from the product lines; returns the number of lines scanned. */
  refreshPopularity(): Promise<number>;
  /** Removes every row about the user (purchases, their product lines, log entries, logged slates). */
  eraseUser(userId: string): Promise<ErasureCounts>;
  /**
   * Every line of the transaction log, in pages of at most `pageSize`, in no particular order (the
   * training pipeline's snapshot; callers sort). Erased users' lines are gone from it; on Cassandra,
   * lines past the log's TTL too.
   */
  transactionLines(pageSize?: number): AsyncIterable<TransactionLine[]>;

  /**
   * Stores served slates, each to expire `ttlSeconds` after it is written. Idempotent by slate id:
   * a slate stored before is counted as a duplicate and not written again.
   */
  appendSlates(slates: readonly Slate[], ttlSeconds: number): Promise<SlateAppendResult>;
  /**
   * Unexpired slates with `servedUnixMs` in [fromUnixMs, toUnixMs), in pages of at most `pageSize`,
   * ordered by servedUnixMs within a day (callers that need a strict order sort).
   */
  slates(fromUnixMs: number, toUnixMs: number, pageSize?: number): AsyncIterable<Slate[]>;

  /** Stores a new version (stage "candidate") with its artifact in checksummed chunks. */
  registerModelVersion(input: ModelVersionInput, artifact: Uint8Array): Promise<ModelVersionInfo>;
  /** Versions of a model, newest first. */
  listModelVersions(model: string, limit: number): Promise<ModelVersionInfo[]>;
  /** Names of the registered models. */
  listModels(): Promise<string[]>;
  /** One version; `version` undefined means the production version. Undefined when there is none. */
  getModelVersion(model: string, version?: string): Promise<ModelVersionInfo | undefined>;
  /** The artifact's chunks in order; throws StoreNotFoundError for an unknown version. */
  readArtifact(model: string, version: string): AsyncIterable<ArtifactChunk>;
  /** Makes `version` production, keeping the previous one for rollback. */
  promoteModelVersion(model: string, version: string, promotedBy: string): Promise<Promotion>;
  /** Puts back the version that was production before the current one. */
  rollbackModel(model: string, promotedBy: string): Promise<Rollback>;

  close(): Promise<void>;
}
