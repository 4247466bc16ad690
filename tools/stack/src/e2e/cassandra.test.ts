// The same stack on the real Cassandra node: data loaded through Ingest into Cassandra, models
// registered in Cassandra's registry tables and fetched by the model services from there.
import { describeCassandra, uniqueKeyspace } from '@aisle/config/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Client } from 'cassandra-driver';
import { PROBE_USER } from '../prepare';
import { startStack, type Stack } from '../stack';
import { expectWellFormed, rank, STATE, stateOf } from './rank-flow';
import { SMALL_TRAINING, STACK_SLICE, TEST_RANKER_ENV } from './settings';

describeCassandra('whole stack on Cassandra', (target) => {
  const keyspace = uniqueKeyspace('e2e');
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({
      storeEnv: { AISLE_STORE: 'cassandra', AISLE_CASSANDRA_CONTACT_POINTS: target.contactPoints.join(','), AISLE_CASSANDRA_DATACENTER: target.localDataCenter, AISLE_CASSANDRA_KEYSPACE: keyspace },
      limit: STACK_SLICE,
      trainArgs: SMALL_TRAINING,
      rankerEnv: TEST_RANKER_ENV,
    });
  }, 900_000);

  afterAll(async () => {
    await stack?.stop();
    const client = new Client({ contactPoints: target.contactPoints, localDataCenter: target.localDataCenter });
    await client.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`);
    await client.shutdown();
  });

  it('ranks a real customer with every source answering', async () => {
    const response = await rank(stack.ranker.address, { userId: PROBE_USER, k: 10, context: { country: 'United Kingdom', timeUnixMs: 0 } });
    expectWellFormed(response, 10);
    expect(response.coldStart).toBe(false);
    for (const source of ['features', 'copurchase', 'popular', 'affinity', 'catalog']) expect(stateOf(response, source), source).toBe(STATE.SOURCE_STATE_OK);
    expect(response.featureAgeMs).toBeGreaterThanOrEqual(0);
  });
});
