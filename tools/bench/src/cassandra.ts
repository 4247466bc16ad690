// The bench's Cassandra keyspace: the same data and the same model versions as the embedded store
// (.data/aisle.db), copied store to store with the stores' own code, so both stacks rank with
// identical inputs. Done once: a later run finds them and copies nothing.
import { openStore, loadStoreConfig, publishModelVersion, type FeatureStore } from '@aisle/feature-store';

export const BENCH_KEYSPACE = 'aisle_bench';
const PROBE_USER = '17850';

async function artifactOf(store: FeatureStore, model: string, version: string): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of store.readArtifact(model, version)) chunks[chunk.index] = chunk.data;
  return Buffer.concat(chunks);
}

export async function prepareCassandra(sqliteEnv: Record<string, string>, cassandraEnv: Record<string, string>, log: (line: string) => void): Promise<void> {
  const source = openStore(loadStoreConfig({ ...process.env, ...sqliteEnv }));
  const target = openStore(loadStoreConfig({ ...process.env, ...cassandraEnv }));
  try {
    if ((await target.getUserContext(PROBE_USER, 1)).known) {
      log(`Cassandra keyspace ${cassandraEnv.AISLE_CASSANDRA_KEYSPACE}: data already loaded.`);
    } else {
      log(`Cassandra keyspace ${cassandraEnv.AISLE_CASSANDRA_KEYSPACE}: copying the embedded store's transaction lines (first run only)...`);
      const started = performance.now();
      let copied = 0;
      for await (const page of source.transactionLines(2000)) {
        await target.ingest(page);
        copied += page.length;
        if (copied % 50_000 < page.length) log(`  ${copied.toLocaleString('en')} lines, ${(copied / ((performance.now() - started) / 1000)).toFixed(0)} lines/s`);
      }
      await target.refreshPopularity();
      log(`  ${copied.toLocaleString('en')} lines in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    }
    for (const model of await source.listModels()) {
      const production = await source.getModelVersion(model);
      if (!production || production.stage !== 'production') continue;
      const present = await target.getModelVersion(model);
      if (present?.version === production.version && present.stage === 'production') continue;
      log(`Cassandra keyspace: registering and promoting ${model} ${production.version} from the embedded store.`);
      const { model: name, version, trainStartUnixMs, trainEndUnixMs, trainingRows, inputHash, codeVersion, parameters, metrics } = production;
      await publishModelVersion({ id: { model: name, version }, trainStartUnixMs, trainEndUnixMs, trainingRows, inputHash, codeVersion, parameters, metrics }, await artifactOf(source, model, version), {
        promote: true,
        promotedBy: 'tools/bench',
        store: target,
      });
    }
  } finally {
    await source.close();
    await target.close();
  }
}
