// What a shadow variant costs the caller: the same open-loop load with an experiment that has no
// shadow, one whose shadow re-blends (no extra call), and one whose shadow scores with another
// registered co-purchase version (extra calls), switched through the ranker's experiments file in
// alternating rounds. The store's slate log says how many shadows actually ran.
import { writeFileSync } from 'node:fs';
import { SqliteStore } from '@aisle/feature-store';

export const SHADOW_CONFIGS = ['none', 'blend', 'model'] as const;
export type ShadowConfig = (typeof SHADOW_CONFIGS)[number];

/** The experiment each configuration runs: everyone in one control variant, the shadow sampled at 100%. */
export function shadowExperiment(config: ShadowConfig, copurchaseVersion: string | undefined) {
  const variants = [{ name: 'control', share: 1 }];
  const shadow =
    config === 'blend'
      ? { name: 'shadow-blend', sample: 1, blend: { copurchase: 0.1, affinity: 0.3, popularity: 0.1, repeat: 0.4, context: 0.1 } }
      : config === 'model' && copurchaseVersion
        ? { name: 'shadow-copurchase', sample: 1, models: { copurchase: copurchaseVersion } }
        : undefined;
  return { name: `bench-shadow-${config}`, variants, ...(shadow ? { shadow } : {}) };
}

export function writeExperiments(file: string, config: ShadowConfig | undefined, copurchaseVersion?: string): void {
  writeFileSync(file, JSON.stringify({ experiments: config ? [shadowExperiment(config, copurchaseVersion)] : [] }));
}

/** A registered co-purchase version other than production, for a model shadow; undefined when there is none. */
export async function otherCopurchaseVersion(sqlitePath: string): Promise<string | undefined> {
  const store = new SqliteStore(sqlitePath);
  try {
    const versions = await store.listModelVersions('copurchase', 20);
    return versions.find((version) => version.stage !== 'production')?.version;
  } finally {
    await store.close();
  }
}

/** Served and shadow slates each configuration's experiment logged in [from, to). */
export async function countSlates(sqlitePath: string, fromUnixMs: number, toUnixMs: number): Promise<Record<string, { served: number; shadow: number }>> {
  const store = new SqliteStore(sqlitePath);
  const counts: Record<string, { served: number; shadow: number }> = {};
  try {
    for await (const page of store.slates(fromUnixMs, toUnixMs)) {
      for (const slate of page) {
        const entry = (counts[slate.experiment] ??= { served: 0, shadow: 0 });
        if (slate.shadow) entry.shadow++;
        else entry.served++;
      }
    }
  } finally {
    await store.close();
  }
  return counts;
}
