// `pipeline replay [--from ISO] [--to ISO] [--horizon 7d] [--experiment NAME] [--k 10] [--resamples 1000] [--seed 42] [--json]`:
// the replay of the store's logged slates, as Markdown (or the whole result as JSON).
import { parseArgs } from 'node:util';
import { parseDuration } from '@aisle/config';
import type { FeatureStore } from '@aisle/feature-store';
import { UsageError } from '../registry-cli';
import { replayMarkdown } from './format';
import { DEFAULT_REPLAY_OPTIONS } from './replay';
import { DEFAULT_WINDOW_MS, replayStore, type StoreReplayOptions } from './store';

/** "7d", "36h", "90m", "30s", "500ms" (a bare number is milliseconds), more than zero. */
export function positiveDuration(option: string, text: string): number {
  const ms = parseDuration(text);
  if (!(ms > 0)) throw new UsageError(`--${option}: "${text}" is not a duration such as 7d, 36h or 90m`);
  return ms;
}

function parseTime(option: string, text: string): number {
  const ms = Date.parse(text);
  if (!Number.isFinite(ms)) throw new UsageError(`--${option}: "${text}" is not an ISO date or time (e.g. 2026-12-07 or 2026-12-07T12:00:00Z)`);
  return ms;
}

function whole(option: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0) throw new UsageError(`--${option}: "${text}" is not a positive whole number`);
  return value;
}

export interface ReplayCommand {
  options: StoreReplayOptions;
  json: boolean;
}

export function parseReplayArgs(argv: string[], nowUnixMs: number): ReplayCommand {
  const { values } = parseArgs({
    args: argv,
    options: {
      from: { type: 'string' },
      to: { type: 'string' },
      horizon: { type: 'string' },
      experiment: { type: 'string' },
      k: { type: 'string' },
      resamples: { type: 'string' },
      seed: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const toUnixMs = values.to === undefined ? nowUnixMs : parseTime('to', values.to);
  const fromUnixMs = values.from === undefined ? toUnixMs - DEFAULT_WINDOW_MS : parseTime('from', values.from);
  if (!(fromUnixMs < toUnixMs)) throw new UsageError(`--from must be before --to (${new Date(fromUnixMs).toISOString()} ≥ ${new Date(toUnixMs).toISOString()})`);
  const seed = values.seed === undefined ? DEFAULT_REPLAY_OPTIONS.seed : Number(values.seed);
  if (!Number.isInteger(seed)) throw new UsageError(`--seed: "${values.seed}" is not a whole number`);
  return {
    options: {
      fromUnixMs,
      toUnixMs,
      horizonMs: values.horizon === undefined ? DEFAULT_REPLAY_OPTIONS.horizonMs : positiveDuration('horizon', values.horizon),
      k: whole('k', values.k, DEFAULT_REPLAY_OPTIONS.k),
      resamples: whole('resamples', values.resamples, DEFAULT_REPLAY_OPTIONS.resamples),
      seed,
      experiment: values.experiment,
    },
    json: values.json ?? false,
  };
}

/** Runs the command on `store` (left open) and returns what it prints. */
export async function replayCommand(store: FeatureStore, argv: string[], nowUnixMs = Date.now()): Promise<string> {
  const { options, json } = parseReplayArgs(argv, nowUnixMs);
  const result = await replayStore(store, options);
  if (json) return JSON.stringify(result, null, 2) + '\n';
  return `# Replay of logged slates (store ${store.kind})\n\n${replayMarkdown(result, '##')}`;
}
