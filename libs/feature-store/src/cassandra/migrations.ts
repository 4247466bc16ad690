// Versioned Cassandra schema. Every statement is idempotent (IF NOT EXISTS), so a migration that was
// interrupted, or applied by two instances at once, converges; schema_migrations records what ran.
import type { Client } from 'cassandra-driver';

export interface CqlMigration {
  version: number;
  description: string;
  statements: string[];
}

export const CASSANDRA_MIGRATIONS: CqlMigration[] = [
  {
    version: 1,
    description: 'transaction log, user purchases, product lines, popularity, model registry',
    statements: [
      // Keyed by line id: a replayed line overwrites itself with the same values.
      `CREATE TABLE IF NOT EXISTS transaction_lines (
         line_id text PRIMARY KEY, invoice_no text, product_id text, description text, quantity bigint,
         unit_price double, time_ms bigint, user_id text, country text, written_ms bigint)`,
      // GetUserContext is this one partition: profile, recency/frequency/monetary and user×product
      // aggregates are derived from it, newest first.
      `CREATE TABLE IF NOT EXISTS user_purchases (
         user_id text, time_ms bigint, line_id text, invoice_no text, product_id text, quantity bigint,
         unit_price double, country text, written_ms bigint,
         PRIMARY KEY ((user_id), time_ms, line_id)) WITH CLUSTERING ORDER BY (time_ms DESC, line_id ASC)`,
      // A product's attributes and all-time aggregates are this one partition; the popularity
      // refresher scans it table-wide. Clustered by invoice so distinct invoices are adjacent.
      `CREATE TABLE IF NOT EXISTS product_lines (
         product_id text, invoice_no text, line_id text, time_ms bigint, quantity bigint, unit_price double,
         description text, customer_id text, country text,
         PRIMARY KEY ((product_id), invoice_no, line_id))`,
      // One row per (scope, window): a ranking is replaced whole, never half-written.
      `CREATE TABLE IF NOT EXISTS popularity (
         scope text, time_window text, product_ids list<text>, scores list<bigint>, computed_ms bigint,
         PRIMARY KEY ((scope), time_window))`,
      `CREATE TABLE IF NOT EXISTS model_versions (
         model text, version text, created_ms bigint, train_start_ms bigint, train_end_ms bigint,
         training_rows bigint, input_hash text, code_version text, parameters map<text, text>,
         metrics map<text, double>, checksum text, stage text, chunk_count int, size_bytes bigint,
         promoted_by text, promoted_ms bigint, PRIMARY KEY ((model), version))`,
      `CREATE TABLE IF NOT EXISTS model_artifact_chunks (
         model text, version text, chunk_index int, data blob, PRIMARY KEY ((model, version), chunk_index))`,
      `CREATE TABLE IF NOT EXISTS model_production (
         model text PRIMARY KEY, current_version text, history list<text>, updated_ms bigint)`,
    ],
  },
  {
    version: 2,
    description: 'logged slates by day, their ids by user (for erasure), the days that have slates',
    statements: [
      // A day's slates are one partition, in served order: replay reads a window day by day.
      `CREATE TABLE IF NOT EXISTS slates (
         day text, served_ms bigint, slate_id text, user_hash text, payload blob,
         PRIMARY KEY ((day), served_ms, slate_id))`,
      // Written before the slate itself, so an erasure that finds no entry here finds no slate either.
      `CREATE TABLE IF NOT EXISTS slates_by_user (
         user_hash text, slate_id text, day text, served_ms bigint,
         PRIMARY KEY ((user_hash), slate_id))`,
      // One small partition listing the days that hold slates (bounded by the TTL).
      `CREATE TABLE IF NOT EXISTS slate_days (
         shard int, day text, PRIMARY KEY ((shard), day))`,
    ],
  },
  {
    version: 3,
    description: "users' versions (for conditional GetUserContext); users not written since have none",
    statements: [
      // One small row per user, rewritten by every ingest that applies a line of the user's: the
      // conditional read checks it instead of reading the user's whole partition.
      `CREATE TABLE IF NOT EXISTS user_versions (
         user_id text PRIMARY KEY, version text, last_write_ms bigint)`,
    ],
  },
  {
    version: 4,
    description: "products' stock (SetStock), the latest update of each product",
    statements: [
      // Written with the update's own time as the cell timestamp: the latest update wins in any order.
      `CREATE TABLE IF NOT EXISTS product_stock (
         product_id text PRIMARY KEY, in_stock boolean, updated_ms bigint)`,
    ],
  },
];

// A schema change waits for the nodes to agree on the new schema: on a busy node that takes seconds,
// far past the read timeout that suits queries (AISLE_CASSANDRA_READ_TIMEOUT, 2 s).
const SCHEMA_CHANGE = { readTimeout: 60_000 };

/** Creates the keyspace if needed and applies the migrations it has not recorded; returns those applied now. */
export async function migrateCassandra(client: Client, keyspace: string, replication: string): Promise<number[]> {
  await client.execute(`CREATE KEYSPACE IF NOT EXISTS ${keyspace} WITH replication = ${replication}`, [], SCHEMA_CHANGE);
  await client.execute(`CREATE TABLE IF NOT EXISTS ${keyspace}.schema_migrations (version int PRIMARY KEY, description text, applied_ms bigint)`, [], SCHEMA_CHANGE);
  const result = await client.execute(`SELECT version FROM ${keyspace}.schema_migrations`);
  const applied = new Set(result.rows.map((row) => row.get('version') as number));
  const now: number[] = [];
  for (const migration of CASSANDRA_MIGRATIONS) {
    if (applied.has(migration.version)) continue;
    for (const statement of migration.statements) await client.execute(statement.replace(/EXISTS (\w+) \(/, `EXISTS ${keyspace}.$1 (`), [], SCHEMA_CHANGE);
    await client.execute(`INSERT INTO ${keyspace}.schema_migrations (version, description, applied_ms) VALUES (?, ?, ?)`, [migration.version, migration.description, Date.now()], {
      prepare: true,
    });
    now.push(migration.version);
  }
  return now;
}
