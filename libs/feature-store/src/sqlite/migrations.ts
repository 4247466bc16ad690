// Versioned schema of the SQLite store. Each migration runs once, in its own transaction, recorded
// in schema_migrations; opening an up-to-date database runs nothing.
import type { Database } from './sqlite-api';

export const SQLITE_MIGRATIONS: { version: number; description: string; sql: string }[] = [
  {
    version: 1,
    description: 'transaction log, user purchases, product lines, popularity, model registry',
    sql: `
      CREATE TABLE transaction_lines (
        line_id TEXT PRIMARY KEY, invoice_no TEXT NOT NULL, product_id TEXT NOT NULL, description TEXT NOT NULL,
        quantity INTEGER NOT NULL, unit_price REAL NOT NULL, time_ms INTEGER NOT NULL, user_id TEXT,
        country TEXT NOT NULL, written_ms INTEGER NOT NULL);
      CREATE INDEX transaction_lines_by_user ON transaction_lines (user_id) WHERE user_id IS NOT NULL;
      CREATE TABLE user_purchases (
        user_id TEXT NOT NULL, time_ms INTEGER NOT NULL, line_id TEXT NOT NULL, invoice_no TEXT NOT NULL,
        product_id TEXT NOT NULL, quantity INTEGER NOT NULL, unit_price REAL NOT NULL, country TEXT NOT NULL,
        written_ms INTEGER NOT NULL, PRIMARY KEY (user_id, time_ms DESC, line_id)) WITHOUT ROWID;
      CREATE TABLE product_lines (
        product_id TEXT NOT NULL, invoice_no TEXT NOT NULL, line_id TEXT NOT NULL, time_ms INTEGER NOT NULL,
        quantity INTEGER NOT NULL, unit_price REAL NOT NULL, description TEXT NOT NULL, customer_id TEXT,
        country TEXT NOT NULL, PRIMARY KEY (product_id, invoice_no, line_id)) WITHOUT ROWID;
      CREATE TABLE popularity (
        scope TEXT NOT NULL, time_window TEXT NOT NULL, ranking TEXT NOT NULL, computed_ms INTEGER NOT NULL,
        PRIMARY KEY (scope, time_window)) WITHOUT ROWID;
      CREATE TABLE model_versions (
        model TEXT NOT NULL, version TEXT NOT NULL, info TEXT NOT NULL, PRIMARY KEY (model, version)) WITHOUT ROWID;
      CREATE TABLE model_artifact_chunks (
        model TEXT NOT NULL, version TEXT NOT NULL, chunk_index INTEGER NOT NULL, data BLOB NOT NULL,
        PRIMARY KEY (model, version, chunk_index)) WITHOUT ROWID;
      CREATE TABLE model_production (
        model TEXT PRIMARY KEY, current_version TEXT NOT NULL, history TEXT NOT NULL, updated_ms INTEGER NOT NULL);
    `,
  },
  {
    version: 2,
    description: 'logged slates (protobuf payload, expiry time)',
    sql: `
      CREATE TABLE slates (
        slate_id TEXT PRIMARY KEY, served_ms INTEGER NOT NULL, user_hash TEXT NOT NULL, expires_ms INTEGER NOT NULL,
        payload BLOB NOT NULL);
      CREATE INDEX slates_by_served ON slates (served_ms, slate_id);
      CREATE INDEX slates_by_user ON slates (user_hash);
      CREATE INDEX slates_by_expiry ON slates (expires_ms);
    `,
  },
  {
    version: 3,
    description: "users' versions (for conditional GetUserContext), one per user with purchases",
    sql: `
      CREATE TABLE user_versions (user_id TEXT PRIMARY KEY, version TEXT NOT NULL, last_write_ms INTEGER NOT NULL) WITHOUT ROWID;
      INSERT INTO user_versions (user_id, version, last_write_ms)
        SELECT user_id, lower(hex(randomblob(8))), max(written_ms) FROM user_purchases GROUP BY user_id;
    `,
  },
  {
    version: 4,
    description: "products' stock (SetStock), the latest update of each product",
    sql: `
      CREATE TABLE product_stock (product_id TEXT PRIMARY KEY, in_stock INTEGER NOT NULL, updated_ms INTEGER NOT NULL) WITHOUT ROWID;
    `,
  },
];

/** Applies the migrations this database has not seen; returns the versions applied now. */
export function migrateSqlite(db: Database): number[] {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_ms INTEGER NOT NULL)');
  const applied = new Set((db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((row) => row.version));
  const record = db.prepare('INSERT INTO schema_migrations (version, description, applied_ms) VALUES (?, ?, ?)');
  const now: number[] = [];
  for (const migration of SQLITE_MIGRATIONS) {
    if (applied.has(migration.version)) continue;
    // IMMEDIATE: two processes opening the same file cannot both apply a migration.
    db.transaction(() => {
      const seen = db.prepare('SELECT 1 FROM schema_migrations WHERE version = ?').get(migration.version);
      if (seen) return;
      db.exec(migration.sql);
      record.run(migration.version, migration.description, Date.now());
      now.push(migration.version);
    }).immediate();
  }
  return now;
}
