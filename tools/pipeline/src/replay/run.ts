// The replay inside a pipeline run. The slates are read before the run's no-op check; what goes into
// the run key is a fingerprint of the slates the replay can score (horizon over by the snapshot's
// newest line), not of every slate read: the ranker logs slates all the time, and slates still pending
// change no figure, so a rerun on the same data stays a no-op until a scorable slate arrives (or a new
// snapshot closes some horizons, which changes the snapshot hash anyway). The figures themselves are
// computed for the report, with the options below.
import type { FeatureStore, Slate, TransactionLine } from '@aisle/feature-store';
import { hashUserId } from '@aisle/telemetry';
import { hashOf } from '../hash';
import { PurchaseIndex } from './purchases';
import { asOfOf, DEFAULT_REPLAY_OPTIONS, replay, type ReplayOptions, type ReplayResult } from './replay';
import { DEFAULT_WINDOW_MS, readSlates } from './store';

export interface RunReplay {
  options: ReplayOptions & { fromUnixMs: number; toUnixMs: number };
  slates: readonly Slate[];
  /** Ids of the slates whose horizon is over by the snapshot's newest line, sorted. */
  scorable: string[];
  evaluate(): ReplayResult;
}

export async function replayForRun(store: FeatureStore, snapshot: { lines: readonly TransactionLine[]; lastUnixMs: number }, settings: { seed: number; nowUnixMs: number }): Promise<RunReplay> {
  const options = { ...DEFAULT_REPLAY_OPTIONS, seed: settings.seed, fromUnixMs: settings.nowUnixMs - DEFAULT_WINDOW_MS, toUnixMs: settings.nowUnixMs };
  const slates = await readSlates(store, options.fromUnixMs, options.toUnixMs);
  const scorable = [...new Set(slates.filter((slate) => asOfOf(slate) + options.horizonMs <= snapshot.lastUnixMs).map((slate) => slate.slateId))].sort();
  return { options, slates, scorable, evaluate: () => replay(slates, PurchaseIndex.of(snapshot.lines), options) };
}

/** What of the replay goes into the run key. */
export function replayFingerprint(run: RunReplay): Record<string, string | number> {
  return {
    scorable: run.scorable.length,
    slates: run.scorable.length > 0 ? hashOf(run.scorable) : '',
    horizonMs: run.options.horizonMs,
    k: run.options.k,
    resamples: run.options.resamples,
    // The join goes through the salted user hash: another salt is another join.
    userHash: hashUserId(''),
  };
}
