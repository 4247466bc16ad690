// The production store. Every write is an upsert keyed by the line id (never a counter), so a replay
// rewrites identical rows; aggregates are derived from one partition at read time, popularity by a
// table scan in refreshPopularity. Writes use the write profile's consistency and `ingest` resolves
// only when all of them did.
import { concurrent, type Client } from 'cassandra-driver';
import type { CassandraStoreConfig } from '../config';
import { POPULARITY_DEPTH, PopularityAccumulator } from '../domain/popularity';
import { deriveProduct } from '../domain/product';
import { daysBetween, decodeSlate, encodeSlate, slateDay, slateUserKey } from '../domain/slates';
import { deriveUserContext, newUserVersion } from '../domain/user-context';
import { ModelRegistry } from '../registry/model-registry';
import type { FeatureStore } from '../store';
import type { ErasureCounts, IngestResult, PopularityWindow, ProductLineRow, ProductRecord, ScoredProduct, Slate, SlateAppendResult, StockUpdate, TransactionLine, UserContext, UserPurchaseRow, UserVersion } from '../types';
import { CassandraConnection, READ_PROFILE, WRITE_PROFILE } from './connection';
import { CassandraRegistryBackend } from './cassandra-registry';
import { executeBatches, forEachLimit, groupIntoBatches } from './batches';
import { guarded, guardedIterable } from './errors';
import { cql } from './statements';
import { long, num } from './values';

const IN_CHUNK = 100;
// Rows per UNLOGGED batch: one partition's rows together; log rows (one partition each) in small groups.
const PARTITION_BATCH = 50;
const LOG_BATCH = 16;

export class CassandraStore implements FeatureStore {
  readonly kind = 'cassandra' as const;
  private readonly connection: CassandraConnection;
  private readonly q: ReturnType<typeof cql>;
  private readonly registry: ModelRegistry;

  constructor(private readonly config: CassandraStoreConfig) {
    this.connection = new CassandraConnection(config);
    this.q = cql(config.keyspace, config.logTtlSeconds);
    this.registry = new ModelRegistry(new CassandraRegistryBackend(this.connection, this.q));
  }

  /** Connects and migrates now rather than on first use (start-up checks, benchmarks). */
  async connect(): Promise<void> {
    await this.connection.client();
  }

  async ingest(lines: readonly TransactionLine[]): Promise<IngestResult> {
    return guarded('ingest', async () => {
      const client = await this.connection.client();
      const existing = await this.existingLineIds(client, lines.map((line) => line.lineId));
      const fresh: TransactionLine[] = [];
      for (const line of lines) {
        if (existing.has(line.lineId)) continue;
        existing.add(line.lineId); // a second copy within the batch is a duplicate too
        fresh.push(line);
      }
      const writtenMs = long(Date.now());
      const users = fresh.filter((line) => line.userId !== null);
      // Feature rows first, the log row (the "already applied" marker) last: if the process dies in
      // between, the line is not marked and a retry rewrites the same feature rows.
      await executeBatches(
        client,
        [
          ...groupIntoBatches(users, (line) => line.userId!, (line) => ({ query: this.q.insertPurchase, params: [line.userId, long(line.timeUnixMs), line.lineId, line.invoiceNo, line.productId, long(line.quantity), line.unitPrice, line.country, writtenMs] }), PARTITION_BATCH),
          ...groupIntoBatches(fresh, (line) => line.productId, (line) => ({ query: this.q.insertProductLine, params: [line.productId, line.invoiceNo, line.lineId, long(line.timeUnixMs), long(line.quantity), line.unitPrice, line.description, line.userId, line.country] }), PARTITION_BATCH),
        ],
        this.config.writeConcurrency,
        WRITE_PROFILE,
      );
      // Versions after the rows they describe: a reader that sees the new version sees the new rows.
      const versions = [...new Set(users.map((line) => line.userId!))].map((userId) => ({ query: this.q.insertUserVersion, params: [userId, newUserVersion(), writtenMs] }));
      await concurrent.executeConcurrent(client, versions, { concurrencyLevel: this.config.writeConcurrency, executionProfile: WRITE_PROFILE, raiseOnFirstError: true });
      const log = (line: TransactionLine) => ({
        query: this.q.insertLog,
        params: [line.lineId, line.invoiceNo, line.productId, line.description, long(line.quantity), line.unitPrice, long(line.timeUnixMs), line.userId, line.country, writtenMs],
      });
      await executeBatches(client, groupIntoBatches(fresh, () => '', log, LOG_BATCH), this.config.writeConcurrency, WRITE_PROFILE);
      return { applied: fresh.length, duplicates: lines.length - fresh.length };
    });
  }

  async getUserContext(userId: string, recentLimit: number): Promise<UserContext> {
    return guarded('getUserContext', async () => {
      const client = await this.connection.client();
      // The version first: rows read after it are at least as new as what it labels.
      const version = await this.readVersion(client, userId);
      const rows = await this.purchases(client, userId);
      const label = version?.version ?? (rows.length > 0 ? await this.backfillVersion(client, userId, rows) : '');
      return deriveUserContext(userId, rows, recentLimit, label);
    });
  }

  async userVersions(userIds: readonly string[]): Promise<Map<string, UserVersion>> {
    return guarded('userVersions', async () => {
      const client = await this.connection.client();
      const found = new Map<string, UserVersion>();
      const unique = [...new Set(userIds)];
      // Partition-key IN queries, a bounded number of keys each, in parallel.
      await Promise.all(
        chunks(unique, IN_CHUNK).map(async (chunk) => {
          const result = await client.execute(this.q.selectUserVersions, [chunk], { prepare: true, executionProfile: READ_PROFILE });
          for (const row of result.rows) found.set(row.get('user_id') as string, { version: row.get('version') as string, lastWriteUnixMs: num(row.get('last_write_ms')) });
        }),
      );
      return found;
    });
  }

  async getProducts(productIds: readonly string[]): Promise<Map<string, ProductRecord>> {
    return guarded('getProducts', async () => {
      const client = await this.connection.client();
      const found = new Map<string, ProductRecord>();
      const outOfStock = new Set<string>();
      const stock = chunks(productIds, IN_CHUNK).map(async (chunk) => {
        const result = await client.execute(this.q.selectStock, [chunk], { prepare: true, executionProfile: READ_PROFILE });
        for (const row of result.rows) if (row.get('in_stock') === false) outOfStock.add(row.get('product_id') as string);
      });
      // One partition read per product (a popular product's partition holds thousands of rows), at
      // most readConcurrency at once: a thousand at once took a node that had just started past the
      // read timeout, and the connection closed under every other call sharing it.
      const lines = forEachLimit(productIds, this.config.readConcurrency, async (productId) => {
        const result = await client.execute(this.q.selectProductLines, [productId], { prepare: true, executionProfile: READ_PROFILE, fetchSize: 0 });
        const rows: ProductLineRow[] = result.rows.map((row) => ({
          invoiceNo: row.get('invoice_no'),
          lineId: row.get('line_id'),
          timeUnixMs: num(row.get('time_ms')),
          quantity: num(row.get('quantity')),
          unitPrice: row.get('unit_price'),
          description: row.get('description') ?? '',
          customerId: row.get('customer_id') ?? null,
          country: row.get('country') ?? '',
        }));
        const product = deriveProduct(productId, rows);
        if (product) found.set(productId, product);
      });
      await Promise.all([...stock, lines]);
      for (const productId of outOfStock) {
        const product = found.get(productId);
        if (product) product.inStock = false;
      }
      // Promise.all finishes in any order; callers get request order from the ids they hold.
      return found;
    });
  }

  async setStock(updates: readonly StockUpdate[]): Promise<void> {
    return guarded('setStock', async () => {
      const client = await this.connection.client();
      // The update's time is the cells' write time (microseconds): the latest update wins in any order.
      const writes = updates.map((update) => ({ query: this.q.insertStockAt, params: [update.productId, update.inStock, long(update.updatedUnixMs), long(update.updatedUnixMs * 1000)] }));
      await concurrent.executeConcurrent(client, writes, { concurrencyLevel: this.config.writeConcurrency, executionProfile: WRITE_PROFILE, raiseOnFirstError: true });
    });
  }

  async popular(scope: string, window: PopularityWindow, limit: number): Promise<ScoredProduct[]> {
    return guarded('popular', async () => {
      const client = await this.connection.client();
      const result = await client.execute(this.q.selectPopularity, [scope, window], { prepare: true, executionProfile: READ_PROFILE });
      const row = result.first();
      if (!row) return [];
      const ids = (row.get('product_ids') as string[] | null) ?? [];
      const scores = (row.get('scores') as unknown[] | null) ?? [];
      return ids.slice(0, limit).map((productId, index) => ({ productId, score: num(scores[index]) }));
    });
  }

  async refreshPopularity(): Promise<number> {
    return guarded('refreshPopularity', async () => {
      const client = await this.connection.client();
      const accumulator = new PopularityAccumulator();
      const stream = client.stream(this.q.scanProductLines, [], { prepare: true, executionProfile: READ_PROFILE, fetchSize: 5000, autoPage: true });
      for await (const row of stream as unknown as AsyncIterable<{ get(name: string): unknown }>) {
        accumulator.add({ productId: row.get('product_id') as string, invoiceNo: row.get('invoice_no') as string, timeUnixMs: num(row.get('time_ms')), country: (row.get('country') as string | null) ?? '' });
      }
      const rankings = accumulator.rankings(POPULARITY_DEPTH);
      const now = long(Date.now());
      const fresh = new Set(rankings.map((ranking) => `${ranking.scope}\u0000${ranking.window}`));
      const stale = await client.execute(this.q.selectPopularityKeys, [], { prepare: true, executionProfile: READ_PROFILE });
      const writes = [
        ...rankings.map((ranking) => ({
          query: this.q.insertPopularity,
          params: [ranking.scope, ranking.window, ranking.products.map((p) => p.productId), ranking.products.map((p) => long(p.score)), now],
        })),
        ...stale.rows
          .filter((row) => !fresh.has(`${row.get('scope')}\u0000${row.get('time_window')}`))
          .map((row) => ({ query: this.q.deletePopularity, params: [row.get('scope'), row.get('time_window')] })),
      ];
      await concurrent.executeConcurrent(client, writes, { concurrencyLevel: 32, executionProfile: WRITE_PROFILE, raiseOnFirstError: true });
      return accumulator.scanned;
    });
  }

  async eraseUser(userId: string): Promise<ErasureCounts> {
    return guarded('eraseUser', async () => {
      const client = await this.connection.client();
      // The version goes first: from then on no reader can take the remaining rows for current.
      await client.execute(this.q.deleteUserVersion, [userId], { prepare: true, executionProfile: WRITE_PROFILE });
      const rows = await this.purchases(client, userId);
      const logged = await this.existingLineIds(client, rows.map((row) => row.lineId));
      const deletes = [
        ...rows.map((row) => ({ query: this.q.deleteProductLine, params: [row.productId, row.invoiceNo, row.lineId] })),
        ...[...logged].map((lineId) => ({ query: this.q.deleteLog, params: [lineId] })),
      ];
      const options = { concurrencyLevel: this.config.writeConcurrency, executionProfile: WRITE_PROFILE, raiseOnFirstError: true };
      await concurrent.executeConcurrent(client, deletes, options);
      // The partition goes last: until it is gone, a retried erase can still find every other row.
      await client.execute(this.q.deletePurchases, [userId], { prepare: true, executionProfile: WRITE_PROFILE });
      const slates = await this.eraseSlates(client, slateUserKey(userId));
      return { profiles: rows.length > 0 ? 1 : 0, purchases: rows.length, productAggregates: new Set(rows.map((row) => row.productId)).size, transactionLines: logged.size, slates };
    });
  }

  async *transactionLines(pageSize = 5000): AsyncIterable<TransactionLine[]> {
    const client = await guarded('transactionLines', () => this.connection.client());
    const stream = client.stream(this.q.scanLog, [], { prepare: true, executionProfile: READ_PROFILE, fetchSize: pageSize, autoPage: true });
    let page: TransactionLine[] = [];
    for await (const row of guardedIterable('transactionLines', stream as unknown as AsyncIterable<{ get(name: string): unknown }>)) {
      page.push({
        lineId: row.get('line_id') as string,
        invoiceNo: row.get('invoice_no') as string,
        productId: row.get('product_id') as string,
        description: (row.get('description') as string | null) ?? '',
        quantity: num(row.get('quantity')),
        unitPrice: row.get('unit_price') as number,
        timeUnixMs: num(row.get('time_ms')),
        userId: (row.get('user_id') as string | null) ?? null,
        country: (row.get('country') as string | null) ?? '',
      });
      if (page.length >= pageSize) {
        yield page;
        page = [];
      }
    }
    if (page.length > 0) yield page;
  }

  async appendSlates(slates: readonly Slate[], ttlSeconds: number): Promise<SlateAppendResult> {
    return guarded('appendSlates', async () => {
      const client = await this.connection.client();
      const ttl = Math.max(1, Math.round(ttlSeconds));
      // Idempotent by slate id: one already indexed under its user was stored before.
      const seen = await Promise.all(
        slates.map(async (slate) => (await client.execute(this.q.selectUserSlate, [slate.userHash, slate.slateId], { prepare: true, executionProfile: READ_PROFILE })).rowLength > 0),
      );
      const fresh = [...new Map(slates.filter((_, i) => !seen[i]).map((slate) => [slate.slateId, slate])).values()];
      const options = { concurrencyLevel: this.config.writeConcurrency, executionProfile: WRITE_PROFILE, raiseOnFirstError: true };
      const days = [...new Set(fresh.map((slate) => slateDay(slate.servedUnixMs)))];
      // Index and day list first, the slate last (see the migration).
      await concurrent.executeConcurrent(
        client,
        [
          ...days.map((day) => ({ query: this.q.insertSlateDay, params: [day, ttl] })),
          ...fresh.map((slate) => ({ query: this.q.insertUserSlate, params: [slate.userHash, slate.slateId, slateDay(slate.servedUnixMs), long(slate.servedUnixMs), ttl] })),
        ],
        options,
      );
      await concurrent.executeConcurrent(
        client,
        fresh.map((slate) => ({ query: this.q.insertSlate, params: [slateDay(slate.servedUnixMs), long(slate.servedUnixMs), slate.slateId, slate.userHash, Buffer.from(encodeSlate(slate)), ttl] })),
        options,
      );
      return { stored: fresh.length, duplicates: slates.length - fresh.length };
    });
  }

  async *slates(fromUnixMs: number, toUnixMs: number, pageSize = 1000): AsyncIterable<Slate[]> {
    if (toUnixMs <= fromUnixMs) return;
    const client = await guarded('slates', () => this.connection.client());
    const wanted = daysBetween(fromUnixMs, toUnixMs);
    const listed = await guarded('slates', () => client.execute(this.q.selectSlateDays, [wanted[0], wanted[wanted.length - 1]], { prepare: true, executionProfile: READ_PROFILE }));
    for (const day of listed.rows.map((row) => row.get('day') as string).sort()) {
      const stream = client.stream(this.q.selectSlates, [day, long(fromUnixMs), long(toUnixMs)], { prepare: true, executionProfile: READ_PROFILE, fetchSize: pageSize, autoPage: true });
      let page: Slate[] = [];
      for await (const row of guardedIterable('slates', stream as unknown as AsyncIterable<{ get(name: string): unknown }>)) {
        page.push(decodeSlate(row.get('payload') as Buffer));
        if (page.length >= pageSize) {
          yield page;
          page = [];
        }
      }
      if (page.length > 0) yield page;
    }
  }

  registerModelVersion: FeatureStore['registerModelVersion'] = (input, artifact) => guarded('registerModelVersion', () => this.registry.register(input, artifact));
  listModelVersions: FeatureStore['listModelVersions'] = (model, limit) => guarded('listModelVersions', () => this.registry.list(model, limit));
  listModels: FeatureStore['listModels'] = () => guarded('listModels', () => this.registry.models());
  getModelVersion: FeatureStore['getModelVersion'] = (model, version) => guarded('getModelVersion', () => this.registry.get(model, version));
  readArtifact: FeatureStore['readArtifact'] = (model, version) => guardedIterable('readArtifact', this.registry.read(model, version));
  promoteModelVersion: FeatureStore['promoteModelVersion'] = (model, version, by) => guarded('promoteModelVersion', () => this.registry.promote(model, version, by));
  rollbackModel: FeatureStore['rollbackModel'] = (model, by) => guarded('rollbackModel', () => this.registry.rollback(model, by));

  close(): Promise<void> {
    return this.connection.close();
  }

  /** Deletes a user's slates (found through their index) and then the index; returns how many. */
  private async eraseSlates(client: Client, userHash: string): Promise<number> {
    const indexed = await client.execute(this.q.selectUserSlates, [userHash], { prepare: true, executionProfile: READ_PROFILE, fetchSize: 0 });
    const deletes = indexed.rows.map((row) => ({ query: this.q.deleteSlate, params: [row.get('day'), row.get('served_ms'), row.get('slate_id')] }));
    await concurrent.executeConcurrent(client, deletes, { concurrencyLevel: this.config.writeConcurrency, executionProfile: WRITE_PROFILE, raiseOnFirstError: true });
    await client.execute(this.q.deleteUserSlates, [userHash], { prepare: true, executionProfile: WRITE_PROFILE });
    return indexed.rowLength;
  }

  private async existingLineIds(client: Client, lineIds: string[]): Promise<Set<string>> {
    const unique = [...new Set(lineIds)];
    const found = new Set<string>();
    await Promise.all(
      chunks(unique, IN_CHUNK).map(async (ids) => {
        const result = await client.execute(this.q.selectLogIds, [ids], { prepare: true, executionProfile: READ_PROFILE, fetchSize: 0 });
        for (const row of result.rows) found.add(row.get('line_id'));
      }),
    );
    return found;
  }

  /**
   * A version for a user written before versions were kept (migration 3 adds none), at their first
   * read. It is written with the write time of the newest row read, so any later write (an ingest's
   * version, an erasure's delete) wins over it; when one did, the version returned here is not the
   * stored one and the caller's copy is simply never taken for current.
   */
  private async backfillVersion(client: Client, userId: string, rows: readonly UserPurchaseRow[]): Promise<string> {
    const version = newUserVersion();
    const lastWrite = rows.reduce((latest, row) => Math.max(latest, row.writtenUnixMs), 0);
    await client.execute(this.q.insertUserVersionAt, [userId, version, long(lastWrite), long(lastWrite * 1000)], { prepare: true, executionProfile: WRITE_PROFILE });
    return version;
  }

  private async readVersion(client: Client, userId: string): Promise<UserVersion | undefined> {
    const row = (await client.execute(this.q.selectUserVersion, [userId], { prepare: true, executionProfile: READ_PROFILE })).first();
    return row ? { version: row.get('version') as string, lastWriteUnixMs: num(row.get('last_write_ms')) } : undefined;
  }

  private async purchases(client: Client, userId: string): Promise<UserPurchaseRow[]> {
    // fetchSize 0 = no paging: the aggregates need every row of the partition, in one response.
    const result = await client.execute(this.q.selectPurchases, [userId], { prepare: true, executionProfile: READ_PROFILE, fetchSize: 0 });
    return result.rows.map((row) => ({
      lineId: row.get('line_id'),
      invoiceNo: row.get('invoice_no'),
      productId: row.get('product_id'),
      quantity: num(row.get('quantity')),
      unitPrice: row.get('unit_price'),
      timeUnixMs: num(row.get('time_ms')),
      country: row.get('country') ?? '',
      writtenUnixMs: num(row.get('written_ms')),
    }));
  }
}

/** `values` in consecutive slices of at most `size`. */
function chunks<T>(values: readonly T[], size: number): T[][] {
  return Array.from({ length: Math.ceil(values.length / size) }, (_, i) => values.slice(i * size, (i + 1) * size));
}
