// Experiments as configuration: each names its variants and their shares of traffic; a user's variant
// is a deterministic hash of the experiment name and the user id, so it is the same on every request
// and every replica, and changing one experiment never reshuffles another. A variant may carry its own
// blend weights and model versions; one without them serves production's (a control). Users outside
// every share, and every user outside an experiment's start/stop window, get production. An
// experiment may also name a shadow variant: scored on a sample of its requests after the answer has
// gone, logged beside the served slate, never shown.
import { createHash } from 'node:crypto';
import { validateWeights, type BlendWeights } from '@aisle/ranking';

/** Registered model versions a variant scores with; an absent one is production's. */
export interface VariantModels {
  copurchase?: string;
  affinity?: string;
}

export interface Variant {
  name: string;
  /** Share of users, 0..1. */
  share: number;
  /** Blend weights of this variant; absent = the production blend. */
  blend?: BlendWeights;
  models?: VariantModels;
}

export interface ShadowVariant {
  name: string;
  /** Share of the experiment's requests also scored by the shadow, 0..1. */
  sample: number;
  blend?: BlendWeights;
  models?: VariantModels;
}

export interface Experiment {
  name: string;
  /** Active from (inclusive) and until (exclusive), ms since the epoch; absent = unbounded. */
  startUnixMs?: number;
  stopUnixMs?: number;
  variants: Variant[];
  shadow?: ShadowVariant;
}

export interface Assignment {
  experiment: string;
  variant: string;
  blend?: BlendWeights;
  models?: VariantModels;
  shadow?: ShadowVariant;
}

/** The user's place in [0, 1) for one experiment: the first 52 bits of SHA-256(name, user). */
export function bucketOf(experiment: string, userId: string): number {
  const digest = createHash('sha256').update(experiment).update('\0').update(userId).digest();
  return (digest.readUInt32BE(0) * 2 ** 20 + (digest.readUInt32BE(4) >>> 12)) / 2 ** 52;
}

/** The first active experiment with a variant for this user (experiments are tried in file order). */
export function assign(experiments: readonly Experiment[], userId: string, nowUnixMs: number): Assignment | undefined {
  for (const experiment of experiments) {
    if (experiment.startUnixMs !== undefined && nowUnixMs < experiment.startUnixMs) continue;
    if (experiment.stopUnixMs !== undefined && nowUnixMs >= experiment.stopUnixMs) continue;
    const bucket = bucketOf(experiment.name, userId);
    let upper = 0;
    for (const variant of experiment.variants) {
      upper += variant.share;
      if (bucket < upper) return { experiment: experiment.name, variant: variant.name, blend: variant.blend, models: variant.models, shadow: experiment.shadow };
    }
  }
  return undefined;
}

/** Parses and checks an experiments document; every problem names where it is. */
export function parseExperiments(json: string): Experiment[] {
  const document = JSON.parse(json) as { experiments?: unknown };
  if (!Array.isArray(document?.experiments)) throw new Error('experiments: expected { "experiments": [...] }');
  const names = new Set<string>();
  return document.experiments.map((raw: Record<string, unknown>, i: number) => {
    const where = `experiments[${i}]`;
    const name = raw?.name;
    if (typeof name !== 'string' || !/^[\w.-]{1,64}$/.test(name)) throw new Error(`${where}.name: 1 to 64 letters, digits, '.', '_' or '-'`);
    if (names.has(name)) throw new Error(`${where}.name: "${name}" is used twice`);
    names.add(name);
    const time = (field: 'start' | 'stop') => {
      const value = raw[field];
      if (value === undefined) return undefined;
      const ms = typeof value === 'string' ? Date.parse(value) : NaN;
      if (!Number.isFinite(ms)) throw new Error(`${where}.${field}: an ISO-8601 time, e.g. 2026-12-01T00:00:00Z`);
      return ms;
    };
    if (!Array.isArray(raw.variants) || raw.variants.length === 0) throw new Error(`${where}.variants: at least one variant`);
    const variantNames = new Set<string>();
    const variants = raw.variants.map((entry: Record<string, unknown>, j: number) => {
      const at = `${where}.variants[${j}]`;
      if (typeof entry?.name !== 'string' || !/^[\w.-]{1,64}$/.test(entry.name)) throw new Error(`${at}.name: 1 to 64 letters, digits, '.', '_' or '-'`);
      if (variantNames.has(entry.name)) throw new Error(`${at}.name: "${entry.name}" is used twice`);
      variantNames.add(entry.name);
      if (typeof entry.share !== 'number' || !(entry.share >= 0 && entry.share <= 1)) throw new Error(`${at}.share: a number from 0 to 1`);
      return { name: entry.name, share: entry.share, blend: parseBlend(entry.blend, at), models: parseModels(entry.models, at) };
    });
    const total = variants.reduce((sum, variant) => sum + variant.share, 0);
    if (total > 1 + 1e-9) throw new Error(`${where}.variants: shares add up to ${total}, more than 1`);
    return { name, startUnixMs: time('start'), stopUnixMs: time('stop'), variants, shadow: parseShadow(raw.shadow, `${where}.shadow`, variantNames) };
  });
}

function parseBlend(value: unknown, at: string): BlendWeights | undefined {
  if (value === undefined) return undefined;
  try {
    return validateWeights(value as Record<string, unknown>);
  } catch (error) {
    throw new Error(`${at}.blend: ${(error as Error).message}`);
  }
}

function parseModels(value: unknown, at: string): VariantModels | undefined {
  if (value === undefined) return undefined;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error(`${at}.models: expected { "copurchase"?: version, "affinity"?: version }`);
  const models: VariantModels = {};
  for (const [model, version] of Object.entries(value)) {
    if (model !== 'copurchase' && model !== 'affinity') throw new Error(`${at}.models.${model}: only "copurchase" and "affinity" can be pinned`);
    if (typeof version !== 'string' || !/^[\w.@:-]{1,128}$/.test(version)) throw new Error(`${at}.models.${model}: a registered version id`);
    models[model] = version;
  }
  return models;
}

function parseShadow(value: unknown, at: string, variantNames: Set<string>): ShadowVariant | undefined {
  if (value === undefined) return undefined;
  const raw = value as Record<string, unknown>;
  if (raw === null || typeof raw !== 'object') throw new Error(`${at}: expected { name, sample, blend?, models? }`);
  if (typeof raw.name !== 'string' || !/^[\w.-]{1,64}$/.test(raw.name)) throw new Error(`${at}.name: 1 to 64 letters, digits, '.', '_' or '-'`);
  if (variantNames.has(raw.name)) throw new Error(`${at}.name: "${raw.name}" is also a served variant`);
  if (typeof raw.sample !== 'number' || !(raw.sample >= 0 && raw.sample <= 1)) throw new Error(`${at}.sample: a number from 0 to 1`);
  const shadow = { name: raw.name, sample: raw.sample, blend: parseBlend(raw.blend, at), models: parseModels(raw.models, at) };
  if (!shadow.blend && !shadow.models) throw new Error(`${at}: a shadow needs its own blend or models, or it would score what is served`);
  return shadow;
}
