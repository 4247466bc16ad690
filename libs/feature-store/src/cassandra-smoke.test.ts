// The smallest proof that the real node works with cassandra-driver: keyspace, table, write, read.
import { Client } from 'cassandra-driver';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeCassandra, uniqueKeyspace } from './testing';

describeCassandra('Cassandra smoke test', (target) => {
  const keyspace = uniqueKeyspace('smoke');
  const client = new Client({ contactPoints: target.contactPoints, localDataCenter: target.localDataCenter });

  beforeAll(async () => {
    await client.connect();
    await client.execute(`CREATE KEYSPACE ${keyspace} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`);
    await client.execute(`CREATE TABLE ${keyspace}.greetings (id text PRIMARY KEY, body text, at timestamp)`);
  });

  afterAll(async () => {
    await client.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`);
    await client.shutdown();
  });

  it('writes a row and reads it back', async () => {
    const at = new Date('2011-12-09T12:50:00Z');
    await client.execute(`INSERT INTO ${keyspace}.greetings (id, body, at) VALUES (?, ?, ?)`, ['a', 'hello', at], { prepare: true });
    const result = await client.execute(`SELECT body, at FROM ${keyspace}.greetings WHERE id = ?`, ['a'], { prepare: true });
    expect(result.rows).toHaveLength(1);
    expect(result.rows[0]!.get('body')).toBe('hello');
    expect((result.rows[0]!.get('at') as Date).toISOString()).toBe(at.toISOString());
  });

  it('reports the server version', async () => {
    const result = await client.execute('SELECT release_version FROM system.local');
    expect(String(result.rows[0]!.get('release_version'))).toMatch(/^5\.0\./);
  });
});
