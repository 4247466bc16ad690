import { isCleanLine, type CleanLine } from './clean';
import { cutToMs, type CutDate } from './invoice-date';
import type { RetailLine } from './retail-line';

/** The protocol's default cut: the last month of the data (2011-11-09 … 2011-12-09) is the test window. */
export const DEFAULT_CUT = '2011-11-09';

/** One evaluation view: who is evaluated and what counts as a hit for each of them. */
export interface EvalView {
  /** Users evaluated in this view, sorted, each with a non-empty truth set. */
  readonly users: readonly string[];
  /** Products that count as relevant, per user. */
  readonly truth: ReadonlyMap<string, ReadonlySet<string>>;
}

/** The OR-temporal-v1 split of the data at one cut. */
export interface TemporalSplit {
  /** The cut in epoch ms (file clock read as UTC); train is strictly before it, test at or after. */
  readonly cut: number;
  /** Clean lines before the cut, in input order: everything a recommender may learn from. */
  readonly train: readonly CleanLine[];
  /** Clean lines at or after the cut, in input order, from every customer (not only test users). */
  readonly test: readonly CleanLine[];
  /** Distinct products each customer bought in train; in the "new" view these are removed. */
  readonly trainItems: ReadonlyMap<string, ReadonlySet<string>>;
  /** Customers who bought both before and after the cut, sorted (the users of the "all" view). */
  readonly testUsers: readonly string[];
  /** Truth = distinct products bought after the cut; repeat purchases count. */
  readonly all: EvalView;
  /** Truth = products bought after the cut that the user never bought in train; users with at least one. */
  readonly new: EvalView;
}

export interface TemporalSplitOptions {
  /** Default '2011-11-09'. A 'YYYY-MM-DD' string means midnight at the start of that day. */
  readonly cut?: CutDate;
}

function addTo(map: Map<string, Set<string>>, key: string, value: string): void {
  const set = map.get(key);
  if (set === undefined) map.set(key, new Set([value]));
  else set.add(value);
}

/**
 * Splits raw lines per OR-temporal-v1. Unclean lines (anonymous, cancellations, adjustments, zero or
 * negative quantity or price, non-products) are ignored on both sides of the cut.
 */
export function temporalSplit(lines: Iterable<RetailLine>, options: TemporalSplitOptions = {}): TemporalSplit {
  const cut = cutToMs(options.cut ?? DEFAULT_CUT);
  const train: CleanLine[] = [];
  const test: CleanLine[] = [];
  const trainItems = new Map<string, Set<string>>();
  const testItems = new Map<string, Set<string>>();
  for (const line of lines) {
    if (!isCleanLine(line)) continue;
    if (line.invoiceDate < cut) {
      train.push(line);
      addTo(trainItems, line.customerId, line.stockCode);
    } else {
      test.push(line);
      addTo(testItems, line.customerId, line.stockCode);
    }
  }

  const testUsers = [...testItems.keys()].filter((user) => trainItems.has(user)).sort();
  const allTruth = new Map<string, ReadonlySet<string>>();
  const newTruth = new Map<string, ReadonlySet<string>>();
  for (const user of testUsers) {
    const bought = testItems.get(user) ?? new Set<string>();
    const before = trainItems.get(user) ?? new Set<string>();
    allTruth.set(user, bought);
    const fresh = new Set([...bought].filter((item) => !before.has(item)));
    if (fresh.size > 0) newTruth.set(user, fresh);
  }

  return {
    cut,
    train,
    test,
    trainItems,
    testUsers,
    all: { users: testUsers, truth: allTruth },
    new: { users: [...newTruth.keys()], truth: newTruth },
  };
}
