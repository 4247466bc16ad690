// The feature store's own vocabulary. Times are ms since the epoch; ids are plain strings. These types
// know nothing of gRPC: the service maps them to and from the proto messages. Slates are the one
// exception: the store keeps them as their protobuf encoding, so it speaks the contract's Slate.
import type { slates } from '@aisle/contracts';

/** One invoice line as applied to the store. `userId` null = anonymous basket (log and products only). */
export interface TransactionLine {
  lineId: string;
  invoiceNo: string;
  productId: string;
  description: string;
  quantity: number;
  unitPrice: number;
  timeUnixMs: number;
  userId: string | null;
  country: string;
}

/** A user's line as stored in the user's purchase partition. */
export interface UserPurchaseRow {
  lineId: string;
  invoiceNo: string;
  productId: string;
  quantity: number;
  unitPrice: number;
  timeUnixMs: number;
  country: string;
  /** Wall-clock time the line was written to the store (feature age). */
  writtenUnixMs: number;
}

export interface UserProfile {
  userId: string;
  country: string;
  firstSeenUnixMs: number;
  lastSeenUnixMs: number;
  invoiceCount: number;
  totalQuantity: number;
  monetary: number;
  distinctProducts: number;
}

export interface RecentPurchase {
  productId: string;
  invoiceNo: string;
  timeUnixMs: number;
  quantity: number;
}

export interface UserProductStats {
  productId: string;
  invoiceCount: number;
  totalQuantity: number;
  firstUnixMs: number;
  lastUnixMs: number;
  spend: number;
}

export interface UserContext {
  known: boolean;
  /** Undefined when the user is unknown. */
  profile?: UserProfile;
  recent: RecentPurchase[];
  products: UserProductStats[];
  /** Latest time anything about this user was written (0 when unknown). */
  lastWriteUnixMs: number;
  /** Token that changes whenever this user's data changes; '' when unknown (or written before versions were kept). */
  version: string;
}

/** The cheap check behind a conditional read: is a caller's copy of a user's context still current? */
export interface UserVersion {
  version: string;
  /** Latest time anything about this user was written. */
  lastWriteUnixMs: number;
}

/** A product's line as stored in the product's partition. */
export interface ProductLineRow {
  invoiceNo: string;
  lineId: string;
  timeUnixMs: number;
  quantity: number;
  unitPrice: number;
  description: string;
  customerId: string | null;
  country: string;
}

export interface ProductRecord {
  productId: string;
  description: string;
  unitPrice: number;
  isProduct: boolean;
  inStock: boolean;
  firstSoldUnixMs: number;
  lastSoldUnixMs: number;
  customers: number;
  invoices: number;
  quantity: number;
  invoicesLast30d: number;
}

export type PopularityWindow = 'all' | 'last30d';

/** Scope of a popularity ranking: GLOBAL_SCOPE or a country as spelled in the log. */
export const GLOBAL_SCOPE = '*';

export interface ScoredProduct {
  productId: string;
  /** Distinct invoices containing the product in the window. */
  score: number;
}

/** One product's stock as a stock feed reports it: of two updates of a product, the later `updatedUnixMs` wins. */
export interface StockUpdate {
  productId: string;
  inStock: boolean;
  updatedUnixMs: number;
}

export interface IngestResult {
  applied: number;
  duplicates: number;
}

export interface ErasureCounts {
  profiles: number;
  purchases: number;
  productAggregates: number;
  transactionLines: number;
  /** Logged slates of the user (found by the user's hash). */
  slates: number;
}

/** A served (or shadow) slate as the ranker logs it; see proto/aisle/features/v1/slates.proto. */
export type Slate = slates.Slate;

export interface SlateAppendResult {
  /** Slates stored by this call. */
  stored: number;
  /** Slates whose id was stored before (not stored again). */
  duplicates: number;
}

export type ModelStage = 'candidate' | 'production' | 'retired';

/** What training code knows about a version when it registers it. */
export interface ModelVersionInput {
  model: string;
  version: string;
  trainStartUnixMs: number;
  trainEndUnixMs: number;
  trainingRows: number;
  inputHash: string;
  codeVersion: string;
  parameters: Record<string, string>;
  metrics: Record<string, number>;
}

export interface ModelVersionInfo extends ModelVersionInput {
  createdUnixMs: number;
  /** SHA-256 (hex) of the whole artifact. */
  checksum: string;
  stage: ModelStage;
  chunkCount: number;
  sizeBytes: number;
  promotedBy: string;
  promotedUnixMs: number;
}

export interface ArtifactChunk {
  index: number;
  count: number;
  data: Uint8Array;
}

export interface Promotion {
  info: ModelVersionInfo;
  /** Version that was production before ('' when none). */
  previousVersion: string;
}

export interface Rollback {
  info: ModelVersionInfo;
  rolledBackVersion: string;
}
