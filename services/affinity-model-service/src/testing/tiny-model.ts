// A small real model trained on synthetic data, shared by tests (a second or so on one core).
import { formatInvoiceDate, type RetailLine } from '@aisle/retail-data';
import { trainAffinityModel, type TrainResult } from '../training/train-affinity';
import { DAY_MS } from '../domain/time';
import { SYNTHETIC_DEFAULTS, syntheticLines } from './synthetic';

export const TINY_CUT_MS = SYNTHETIC_DEFAULTS.startMs + 120 * DAY_MS;
export const TINY_CUT = formatInvoiceDate(TINY_CUT_MS).slice(0, 10);

export function trainTinyModel(overrides: { seed?: number; rounds?: number; lines?: RetailLine[] } = {}): Promise<TrainResult> {
  return trainAffinityModel(overrides.lines ?? syntheticLines(), {
    cut: TINY_CUT,
    windows: 2,
    labelDays: 30,
    negativesPerUser: 20,
    rounds: overrides.rounds ?? 20,
    maxDepth: 3,
    eta: 0.3,
    subsample: 1,
    colsampleBytree: 1,
    treeMethod: 'exact',
    seed: overrides.seed ?? 42,
    candidates: { popular: 10, copurchase: 10, own: 50 },
    evaluate: false,
    codeVersion: 'test',
  });
}
