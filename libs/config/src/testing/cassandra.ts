// Which Cassandra the test suites use. `npm test` starts (or reuses) the local node from
// tools/cassandra and sets AISLE_CASSANDRA_CONTACT_POINTS; in CI, AISLE_REQUIRE_CASSANDRA=1 turns a
// missing node into a failure instead of a skip.
import { describe } from 'vitest';

export interface CassandraTestTarget {
  contactPoints: string[];
  localDataCenter: string;
}

export function cassandraTestTarget(): CassandraTestTarget | undefined {
  const points = process.env.AISLE_CASSANDRA_CONTACT_POINTS?.trim();
  if (!points) {
    if (process.env.AISLE_REQUIRE_CASSANDRA === '1') {
      throw new Error('AISLE_REQUIRE_CASSANDRA=1 but AISLE_CASSANDRA_CONTACT_POINTS is not set: start tools/cassandra (npm test does it when Java 17 and Maven are present)');
    }
    return undefined;
  }
  return { contactPoints: points.split(',').map((point) => point.trim()), localDataCenter: process.env.AISLE_CASSANDRA_DATACENTER ?? 'datacenter1' };
}

/** `describe` for suites that need the real Cassandra node: skipped (and said so) only outside CI. */
export function describeCassandra(name: string, body: (target: CassandraTestTarget) => void): void {
  const target = cassandraTestTarget();
  if (!target) {
    describe.skip(`${name} (skipped: no Cassandra; run \`npm test\` with Java 17 + Maven, or set AISLE_CASSANDRA_CONTACT_POINTS)`, () => undefined);
    return;
  }
  describe(name, () => body(target));
}

/** A keyspace name unique to this test run, so parallel suites never share state. */
export function uniqueKeyspace(prefix: string): string {
  return `${prefix}_${process.pid}_${Date.now().toString(36)}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
}
