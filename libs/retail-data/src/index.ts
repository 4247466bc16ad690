// Public entry of @aisle/retail-data: the shipped UCI Online Retail data, the OR-temporal-v1
// evaluation protocol (cleaning, temporal split, metrics, evaluator) and its baselines.

export type { RetailLine } from './retail-line';
export { DEFAULT_DATASET_PATH } from './dataset-path';
export { DAY_MS, cutToMs, formatInvoiceDate, parseInvoiceDate, type CutDate } from './invoice-date';
export { RETAIL_CSV_HEADER } from './parse-record';
export { loadRetailLines, readRetailLines } from './read';

export { isCleanLine, isCleanSale, isProductCode, type CleanLine } from './clean';
export { DEFAULT_CUT, temporalSplit, type EvalView, type TemporalSplit, type TemporalSplitOptions } from './split';

export { meanMetrics, userMetrics, type UserMetrics, type ViewMetrics } from './metrics';
export type { RecommendOptions, Recommender, SyncRecommender } from './recommender';
export { evaluate, scoredList, type EvaluateOptions, type Evaluation } from './evaluate';

export { invoiceBaskets, type InvoiceBasketsOptions } from './baskets';
export { userHistories, type Purchase, type UserHistory, type UserItem } from './histories';

export { popularityRanking, type PopularityBy } from './baselines/popularity';
export { popular, recentPopular, type PopularOptions, type RecentPopularOptions } from './baselines/popular';
export { repeat, type RepeatOptions } from './baselines/repeat';
export { itemKnn, type ItemKnnOptions } from './baselines/item-knn';
export { cosineNeighbors, type CosineNeighbors } from './baselines/cosine-neighbors';

export { seededRandom, shuffleInPlace, type Random } from './random';
export { mapLimit } from './map-limit';

export { LineNumbering, toTransactionLine, type TransactionLineFields } from './transaction-lines';
