// The embedded store: one SQLite file in WAL mode, one transaction per ingest batch, synchronous=FULL
// so a batch is on disk before `ingest` resolves. better-sqlite3 is synchronous; batches are bounded
// (5,000 lines) so one never blocks the event loop for long.
import { mkdirSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { POPULARITY_DEPTH, PopularityAccumulator } from '../domain/popularity';
import { productRecord, RECENT_WINDOW_MS } from '../domain/product';
import { newestFirst } from '../domain/order';
import { decodeSlate, encodeSlate, slateUserKey } from '../domain/slates';
import { deriveUserContext, newUserVersion } from '../domain/user-context';
import { ModelRegistry } from '../registry/model-registry';
import type { FeatureStore } from '../store';
import type { ErasureCounts, IngestResult, PopularityWindow, ProductRecord, ScoredProduct, Slate, SlateAppendResult, StockUpdate, TransactionLine, UserContext, UserPurchaseRow, UserVersion } from '../types';
import { migrateSqlite } from './migrations';
import { openDatabase, type Database, type Statement } from './sqlite-api';
import { SqliteRegistryBackend } from './sqlite-registry';

const SCAN_PAGE = 5000;
/** Longest a multi-key read runs before it lets the event loop take a turn. */
const READ_SLICE_MS = 5;

export class SqliteStore implements FeatureStore {
  readonly kind = 'sqlite' as const;
  private readonly db: Database;
  private readonly registry: ModelRegistry;
  private readonly insertLog: Statement;
  private readonly insertPurchase: Statement;
  private readonly insertProductLine: Statement;
  private readonly statements = new Map<string, Statement>();

  constructor(path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = openDatabase(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 5000');
    migrateSqlite(this.db);
    this.registry = new ModelRegistry(new SqliteRegistryBackend(this.db));
    this.insertLog = this.db.prepare(
      `INSERT OR IGNORE INTO transaction_lines (line_id, invoice_no, product_id, description, quantity, unit_price, time_ms, user_id, country, written_ms)
       VALUES (@lineId, @invoiceNo, @productId, @description, @quantity, @unitPrice, @timeUnixMs, @userId, @country, @writtenMs)`,
    );
    this.insertPurchase = this.db.prepare(
      `INSERT OR IGNORE INTO user_purchases (user_id, time_ms, line_id, invoice_no, product_id, quantity, unit_price, country, written_ms)
       VALUES (@userId, @timeUnixMs, @lineId, @invoiceNo, @productId, @quantity, @unitPrice, @country, @writtenMs)`,
    );
    this.insertProductLine = this.db.prepare(
      `INSERT OR IGNORE INTO product_lines (product_id, invoice_no, line_id, time_ms, quantity, unit_price, description, customer_id, country)
       VALUES (@productId, @invoiceNo, @lineId, @timeUnixMs, @quantity, @unitPrice, @description, @userId, @country)`,
    );
  }

  async ingest(lines: readonly TransactionLine[]): Promise<IngestResult> {
    const writtenMs = Date.now();
    const putVersion = this.prepared(
      `INSERT INTO user_versions (user_id, version, last_write_ms) VALUES (?, ?, ?)
       ON CONFLICT (user_id) DO UPDATE SET version = excluded.version, last_write_ms = excluded.last_write_ms`,
    );
    return this.db.transaction(() => {
      let applied = 0;
      const changedUsers = new Set<string>();
      for (const line of lines) {
        // The log row is the idempotency marker: if the id is there, the line changes nothing.
        const row = { ...line, writtenMs };
        if (this.insertLog.run(row).changes === 0) continue;
        applied++;
        if (line.userId !== null) {
          this.insertPurchase.run(row);
          changedUsers.add(line.userId);
        }
        this.insertProductLine.run(row);
      }
      // A duplicate changes nothing, so only users with an applied line get a new version.
      for (const userId of changedUsers) putVersion.run(userId, newUserVersion(), writtenMs);
      return { applied, duplicates: lines.length - applied };
    }).immediate();
  }

  async getUserContext(userId: string, recentLimit: number): Promise<UserContext> {
    // One read transaction: the version and the rows come from the same snapshot.
    return this.db.transaction(() => deriveUserContext(userId, this.purchases(userId), recentLimit, this.readVersion(userId)?.version ?? ''))();
  }

  async userVersions(userIds: readonly string[]): Promise<Map<string, UserVersion>> {
    const found = new Map<string, UserVersion>();
    for (const userId of userIds) {
      const version = this.readVersion(userId);
      if (version) found.set(userId, version);
    }
    return found;
  }

  async getProducts(productIds: readonly string[]): Promise<Map<string, ProductRecord>> {
    // The aggregates deriveProduct computes from a product's lines, computed by SQLite over them
    // instead: the popular products have thousands of lines, and copying them into JavaScript was
    // most of a read. The latest line is picked in JavaScript, in the order both stores share.
    const counts = this.prepared(
      `SELECT count(DISTINCT invoice_no) AS invoices, count(DISTINCT nullif(customer_id, '')) AS customers, sum(quantity) AS quantity,
              min(time_ms) AS firstSoldUnixMs, newest.time AS lastSoldUnixMs,
              count(DISTINCT CASE WHEN time_ms > newest.time - ${RECENT_WINDOW_MS} THEN invoice_no END) AS invoicesLast30d
       FROM product_lines, (SELECT max(time_ms) AS time FROM product_lines WHERE product_id = @id) AS newest
       WHERE product_id = @id`,
    );
    const newest = this.prepared('SELECT line_id AS lineId, time_ms AS timeUnixMs, description, unit_price AS unitPrice FROM product_lines WHERE product_id = ? AND time_ms = ?');
    const stock = this.prepared('SELECT in_stock AS inStock FROM product_stock WHERE product_id = ?');
    const found = new Map<string, ProductRecord>();
    // Still a few hundred microseconds per popular product: the event loop gets a turn every few
    // milliseconds, so one large batch never holds up the small reads (user versions) queued behind it.
    let sliceStarted = performance.now();
    for (const productId of productIds) {
      const row = counts.get({ id: productId }) as { invoices: number; customers: number; quantity: number | null; firstSoldUnixMs: number | null; lastSoldUnixMs: number | null; invoicesLast30d: number };
      if (row.lastSoldUnixMs !== null) {
        const latest = (newest.all(productId, row.lastSoldUnixMs) as { lineId: string; timeUnixMs: number; description: string; unitPrice: number }[]).sort(newestFirst)[0]!;
        const product = productRecord(productId, { invoices: row.invoices, customers: row.customers, quantity: row.quantity ?? 0, firstSoldUnixMs: row.firstSoldUnixMs!, invoicesLast30d: row.invoicesLast30d, latest });
        const marked = stock.get(productId) as { inStock: number } | undefined;
        if (marked) product.inStock = marked.inStock === 1;
        found.set(productId, product);
      }
      if (performance.now() - sliceStarted > READ_SLICE_MS) {
        await nextTurn();
        sliceStarted = performance.now();
      }
    }
    return found;
  }

  async setStock(updates: readonly StockUpdate[]): Promise<void> {
    // The later update wins; of two at the same time, in stock (as Cassandra's cell timestamps decide).
    const upsert = this.prepared(
      `INSERT INTO product_stock (product_id, in_stock, updated_ms) VALUES (?, ?, ?)
       ON CONFLICT (product_id) DO UPDATE SET in_stock = excluded.in_stock, updated_ms = excluded.updated_ms
       WHERE excluded.updated_ms > product_stock.updated_ms OR (excluded.updated_ms = product_stock.updated_ms AND excluded.in_stock > product_stock.in_stock)`,
    );
    this.db.transaction(() => {
      for (const update of updates) upsert.run(update.productId, update.inStock ? 1 : 0, update.updatedUnixMs);
    })();
  }

  async popular(scope: string, window: PopularityWindow, limit: number): Promise<ScoredProduct[]> {
    const row = this.prepared('SELECT ranking FROM popularity WHERE scope = ? AND time_window = ?').get(scope, window) as { ranking: string } | undefined;
    return row ? (JSON.parse(row.ranking) as ScoredProduct[]).slice(0, limit) : [];
  }

  async refreshPopularity(): Promise<number> {
    const accumulator = new PopularityAccumulator();
    // Keyset pages with a yield between them: a full scan never holds the event loop (or the
    // connection) for more than one page.
    const page = this.prepared(
      `SELECT product_id AS productId, invoice_no AS invoiceNo, line_id AS lineId, time_ms AS timeUnixMs, country FROM product_lines
       WHERE (product_id, invoice_no, line_id) > (?, ?, ?) ORDER BY product_id, invoice_no, line_id LIMIT ${SCAN_PAGE}`,
    );
    let after = ['', '', ''];
    for (;;) {
      const rows = page.all(...after) as { productId: string; invoiceNo: string; lineId: string; timeUnixMs: number; country: string }[];
      for (const row of rows) accumulator.add(row);
      if (rows.length < SCAN_PAGE) break;
      const last = rows[rows.length - 1]!;
      after = [last.productId, last.invoiceNo, last.lineId];
      await nextTurn();
    }
    const rankings = accumulator.rankings(POPULARITY_DEPTH);
    const now = Date.now();
    const put = this.prepared('INSERT INTO popularity (scope, time_window, ranking, computed_ms) VALUES (?, ?, ?, ?)');
    this.db.transaction(() => {
      // Replace every ranking at once: a scope that lost all its lines (erasure) must disappear too.
      this.prepared('DELETE FROM popularity').run();
      for (const ranking of rankings) put.run(ranking.scope, ranking.window, JSON.stringify(ranking.products), now);
    })();
    return accumulator.scanned;
  }

  async eraseUser(userId: string): Promise<ErasureCounts> {
    return this.db.transaction(() => {
      const rows = this.purchases(userId);
      const productAggregates = new Set(rows.map((row) => row.productId)).size;
      const deleteProductLine = this.prepared('DELETE FROM product_lines WHERE product_id = ? AND invoice_no = ? AND line_id = ?');
      for (const row of rows) deleteProductLine.run(row.productId, row.invoiceNo, row.lineId);
      const purchases = this.prepared('DELETE FROM user_purchases WHERE user_id = ?').run(userId).changes;
      const transactionLines = this.prepared('DELETE FROM transaction_lines WHERE user_id = ?').run(userId).changes;
      const slates = this.prepared('DELETE FROM slates WHERE user_hash = ?').run(slateUserKey(userId)).changes;
      this.prepared('DELETE FROM user_versions WHERE user_id = ?').run(userId);
      return { profiles: rows.length > 0 ? 1 : 0, purchases, productAggregates, transactionLines, slates };
    }).immediate();
  }

  async *transactionLines(pageSize = SCAN_PAGE): AsyncIterable<TransactionLine[]> {
    // Keyset pages on the primary key, a yield between them, as in refreshPopularity.
    const page = this.prepared(
      `SELECT line_id AS lineId, invoice_no AS invoiceNo, product_id AS productId, description, quantity, unit_price AS unitPrice, time_ms AS timeUnixMs, user_id AS userId, country
       FROM transaction_lines WHERE line_id > ? ORDER BY line_id LIMIT ?`,
    );
    let after = '';
    for (;;) {
      const rows = page.all(after, pageSize) as TransactionLine[];
      if (rows.length > 0) yield rows;
      if (rows.length < pageSize) return;
      after = rows[rows.length - 1]!.lineId;
      await nextTurn();
    }
  }

  async appendSlates(slates: readonly Slate[], ttlSeconds: number): Promise<SlateAppendResult> {
    const now = Date.now();
    const insert = this.prepared('INSERT OR IGNORE INTO slates (slate_id, served_ms, user_hash, expires_ms, payload) VALUES (?, ?, ?, ?, ?)');
    return this.db.transaction(() => {
      // Expired slates go a bounded slice at a time, so no append pays for a long backlog.
      this.prepared('DELETE FROM slates WHERE slate_id IN (SELECT slate_id FROM slates WHERE expires_ms <= ? LIMIT 1000)').run(now);
      let stored = 0;
      for (const slate of slates) stored += insert.run(slate.slateId, slate.servedUnixMs, slate.userHash, now + ttlSeconds * 1000, encodeSlate(slate)).changes;
      return { stored, duplicates: slates.length - stored };
    }).immediate();
  }

  async *slates(fromUnixMs: number, toUnixMs: number, pageSize = SCAN_PAGE): AsyncIterable<Slate[]> {
    // Keyset pages on (served_ms, slate_id), as transactionLines pages on its key.
    const page = this.prepared(
      `SELECT served_ms AS served, slate_id AS id, payload FROM slates
       WHERE (served_ms > ? OR (served_ms = ? AND slate_id > ?)) AND served_ms < ? AND expires_ms > ?
       ORDER BY served_ms, slate_id LIMIT ?`,
    );
    // Slate ids are never empty, so (fromUnixMs, '') starts at the window's first slate.
    let after = { served: fromUnixMs, id: '' };
    const now = Date.now();
    for (;;) {
      const rows = page.all(after.served, after.served, after.id, toUnixMs, now, pageSize) as { served: number; id: string; payload: Uint8Array }[];
      if (rows.length > 0) yield rows.map((row) => decodeSlate(row.payload));
      if (rows.length < pageSize) return;
      const last = rows[rows.length - 1]!;
      after = { served: last.served, id: last.id };
      await nextTurn();
    }
  }

  registerModelVersion: FeatureStore['registerModelVersion'] = (input, artifact) => this.registry.register(input, artifact);
  listModelVersions: FeatureStore['listModelVersions'] = (model, limit) => this.registry.list(model, limit);
  listModels: FeatureStore['listModels'] = () => this.registry.models();
  getModelVersion: FeatureStore['getModelVersion'] = (model, version) => this.registry.get(model, version);
  readArtifact: FeatureStore['readArtifact'] = (model, version) => this.registry.read(model, version);
  promoteModelVersion: FeatureStore['promoteModelVersion'] = (model, version, by) => this.registry.promote(model, version, by);
  rollbackModel: FeatureStore['rollbackModel'] = (model, by) => this.registry.rollback(model, by);

  /**
   * Writes a consistent copy of the whole store to `path` (replacing what is there) with SQLite's
   * online backup, while this store stays open and writable: a tool that must not write into the
   * store it reads (the bench logs slates) works on the copy.
   */
  async copyTo(path: string): Promise<void> {
    mkdirSync(dirname(path), { recursive: true });
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
    await this.db.backup(path);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  /** Each SQL text is prepared once and reused (preparing costs more than most of these reads). */
  private prepared(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  private readVersion(userId: string): UserVersion | undefined {
    return this.prepared('SELECT version, last_write_ms AS lastWriteUnixMs FROM user_versions WHERE user_id = ?').get(userId) as UserVersion | undefined;
  }

  private purchases(userId: string): UserPurchaseRow[] {
    return this
      .prepared(
        `SELECT line_id AS lineId, invoice_no AS invoiceNo, product_id AS productId, quantity, unit_price AS unitPrice, time_ms AS timeUnixMs, country, written_ms AS writtenUnixMs
         FROM user_purchases WHERE user_id = ?`,
      )
      .all(userId) as UserPurchaseRow[];
  }
}
