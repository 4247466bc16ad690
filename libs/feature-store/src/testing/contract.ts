// The behaviour every FeatureStore must have, run against SQLite and against a real Cassandra.
// `open(dataset)` returns a store over the data named `dataset`: the same name reaches the same
// data (a reopen), another name an empty, isolated one.
import { afterAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { StoreNotFoundError, StorePreconditionError } from '../errors';
import type { FeatureStore } from '../store';
import { GLOBAL_SCOPE, type ModelVersionInput, type TransactionLine } from '../types';
import { slateUserKey } from '../domain/slates';
import { DAY, line, T0, uniqueIds } from './lines';
import { slate } from './slates';

export type OpenStore = (dataset: string) => Promise<FeatureStore>;

export function storeContractSuite(name: string, open: OpenStore): void {
  describe(`FeatureStore contract: ${name}`, () => {
    const opened: FeatureStore[] = [];
    const openStore = async (dataset: string) => {
      const store = await open(dataset);
      opened.push(store);
      return store;
    };
    afterAll(async () => {
      await Promise.all(opened.map((store) => store.close()));
    });

    describe('ingest and user context', () => {
      it('answers an unknown user with an empty context flagged unknown', async () => {
        const store = await openStore('users');
        const nobody = 'nobody-' + Date.now();
        expect(await store.getUserContext(nobody, 50)).toEqual({ known: false, recent: [], products: [], lastWriteUnixMs: 0, version: '' });
        expect(await store.userVersions([nobody])).toEqual(new Map());
      });

      it('derives profile, recent purchases and per-product history from ingested lines', async () => {
        const store = await openStore('users');
        const id = uniqueIds('ctx');
        const user = id('user');
        const before = Date.now();
        const result = await store.ingest([
          line({ lineId: id('1:1'), invoiceNo: id('1'), productId: id('A'), quantity: 2, unitPrice: 1.5, timeUnixMs: T0, userId: user, country: 'France' }),
          line({ lineId: id('1:2'), invoiceNo: id('1'), productId: id('B'), quantity: 1, unitPrice: 10, timeUnixMs: T0, userId: user, country: 'France' }),
          line({ lineId: id('2:1'), invoiceNo: id('2'), productId: id('A'), quantity: 3, unitPrice: 1.5, timeUnixMs: T0 + DAY, userId: user, country: 'Germany' }),
        ]);
        expect(result).toEqual({ applied: 3, duplicates: 0 });
        const context = await store.getUserContext(user, 2);
        expect(context.known).toBe(true);
        expect(context.profile).toEqual({
          userId: user,
          country: 'Germany',
          firstSeenUnixMs: T0,
          lastSeenUnixMs: T0 + DAY,
          invoiceCount: 2,
          totalQuantity: 6,
          monetary: 2 * 1.5 + 10 + 3 * 1.5,
          distinctProducts: 2,
        });
        expect(context.recent).toEqual([
          { productId: id('A'), invoiceNo: id('2'), timeUnixMs: T0 + DAY, quantity: 3 },
          { productId: id('A'), invoiceNo: id('1'), timeUnixMs: T0, quantity: 2 },
        ]);
        expect(context.products).toEqual([
          { productId: id('A'), invoiceCount: 2, totalQuantity: 5, firstUnixMs: T0, lastUnixMs: T0 + DAY, spend: 7.5 },
          { productId: id('B'), invoiceCount: 1, totalQuantity: 1, firstUnixMs: T0, lastUnixMs: T0, spend: 10 },
        ]);
        expect(context.lastWriteUnixMs).toBeGreaterThanOrEqual(before);
        expect(context.lastWriteUnixMs).toBeLessThanOrEqual(Date.now());
      });

      it('treats a replayed batch, a repeated id within a batch and a reused id with new content as duplicates that change nothing', async () => {
        const store = await openStore('users');
        const id = uniqueIds('replay');
        const user = id('user');
        const batch = [
          line({ lineId: id('1:1'), invoiceNo: id('1'), productId: id('A'), userId: user, quantity: 4 }),
          line({ lineId: id('1:2'), invoiceNo: id('1'), productId: id('B'), userId: user, quantity: 1 }),
        ];
        expect(await store.ingest(batch)).toEqual({ applied: 2, duplicates: 0 });
        const once = await store.getUserContext(user, 50);
        const products = await store.getProducts([id('A'), id('B')]);
        expect(await store.ingest(batch)).toEqual({ applied: 0, duplicates: 2 });
        expect(await store.ingest([batch[0]!, { ...batch[0]!, quantity: 99, productId: id('C') }])).toEqual({ applied: 0, duplicates: 2 });
        expect(await store.getUserContext(user, 50)).toEqual(once);
        expect(await store.getProducts([id('A'), id('B'), id('C')])).toEqual(products);

        const fresh = line({ lineId: id('2:1'), invoiceNo: id('2'), productId: id('C'), userId: user });
        expect(await store.ingest([fresh, fresh])).toEqual({ applied: 1, duplicates: 1 });
        expect((await store.getUserContext(user, 50)).profile?.invoiceCount).toBe(2);
      });

      it('keeps an anonymous line out of every user but counts it for its product', async () => {
        const store = await openStore('users');
        const id = uniqueIds('anon');
        await store.ingest([
          line({ lineId: id('1:1'), invoiceNo: id('1'), productId: id('P'), userId: null, quantity: 5 }),
          line({ lineId: id('2:1'), invoiceNo: id('2'), productId: id('P'), userId: id('u'), quantity: 1 }),
        ]);
        const product = (await store.getProducts([id('P')])).get(id('P'));
        expect(product).toMatchObject({ invoices: 2, customers: 1, quantity: 6 });
        expect((await store.getUserContext(id('u'), 50)).profile?.totalQuantity).toBe(1);
      });

      it('keeps acknowledged lines across a reopen', async () => {
        const id = uniqueIds('durable');
        const first = await openStore('durable');
        await first.ingest([line({ lineId: id('1:1'), userId: id('u') })]);
        await first.close();
        const second = await openStore('durable');
        expect((await second.getUserContext(id('u'), 50)).known).toBe(true);
        expect(await second.ingest([line({ lineId: id('1:1'), userId: id('u') })])).toEqual({ applied: 0, duplicates: 1 });
      });
    });

    describe('user versions', () => {
      it('labels a context with a version that changes with every applied line of the user and with nothing else', async () => {
        const store = await openStore('versions');
        const id = uniqueIds('version');
        const [user, other] = [id('user'), id('other')];
        const first = line({ lineId: id('1:1'), invoiceNo: id('1'), productId: id('A'), userId: user });
        await store.ingest([first]);
        const v1 = await store.getUserContext(user, 50);
        expect(v1.version).toMatch(/^[0-9a-f]{16}$/);
        expect(await store.userVersions([user, other, user])).toEqual(new Map([[user, { version: v1.version, lastWriteUnixMs: v1.lastWriteUnixMs }]]));
        expect((await store.getUserContext(user, 50)).version).toBe(v1.version);

        // A duplicate, an anonymous line and another user's line leave the version as it was.
        await store.ingest([first, line({ lineId: id('2:1'), invoiceNo: id('2'), productId: id('A'), userId: null }), line({ lineId: id('3:1'), invoiceNo: id('3'), productId: id('A'), userId: other })]);
        expect((await store.userVersions([user])).get(user)?.version).toBe(v1.version);

        // Two applied lines in quick succession give two new versions, even within one millisecond.
        const seen = new Set([v1.version]);
        for (const n of [4, 5]) {
          await store.ingest([line({ lineId: id(`${n}:1`), invoiceNo: id(String(n)), productId: id('B'), userId: user })]);
          const context = await store.getUserContext(user, 50);
          expect(seen.has(context.version)).toBe(false);
          expect((await store.userVersions([user])).get(user)?.version).toBe(context.version);
          seen.add(context.version);
        }
      });

      it('drops the version with the user on erasure; new lines after it start a new one', async () => {
        const store = await openStore('versions');
        const id = uniqueIds('version-erase');
        const user = id('user');
        await store.ingest([line({ lineId: id('1:1'), invoiceNo: id('1'), productId: id('A'), userId: user })]);
        const before = (await store.userVersions([user])).get(user)!.version;
        await store.eraseUser(user);
        expect(await store.userVersions([user])).toEqual(new Map());
        expect((await store.getUserContext(user, 50)).version).toBe('');
        await store.ingest([line({ lineId: id('1:1'), invoiceNo: id('1'), productId: id('A'), userId: user })]);
        const after = (await store.getUserContext(user, 50)).version;
        expect(after).not.toBe('');
        expect(after).not.toBe(before);
      });
    });

    describe('transaction log scan', () => {
      it('returns every applied line once, in pages, with the fields it was ingested with; erased users are gone', async () => {
        const store = await openStore('scan');
        const id = uniqueIds('scan');
        const lines = Array.from({ length: 23 }, (_, i) =>
          line({ lineId: id(`l${i}`), invoiceNo: id(`inv${i % 5}`), productId: `2${String(1000 + i)}`, quantity: i + 1, unitPrice: 0.5 + i, timeUnixMs: T0 + i * DAY, userId: i % 4 === 0 ? null : id(`u${i % 3}`), description: `item, "${i}"` }),
        );
        await store.ingest(lines);
        await store.ingest(lines.slice(0, 3)); // a replay adds nothing
        const scan = async () => {
          const pages: number[] = [];
          const seen: TransactionLine[] = [];
          for await (const page of store.transactionLines(7)) {
            pages.push(page.length);
            seen.push(...page.filter((row) => row.lineId.startsWith(id(''))));
          }
          return { pages, seen: seen.sort((a, b) => a.lineId.localeCompare(b.lineId)) };
        };
        const first = await scan();
        expect(first.seen).toEqual([...lines].sort((a, b) => a.lineId.localeCompare(b.lineId)));
        expect(first.pages.every((size) => size > 0 && size <= 7)).toBe(true);
        await store.eraseUser(id('u1'));
        const after = await scan();
        expect(after.seen).toEqual(first.seen.filter((row) => row.userId !== id('u1')));
        expect(after.seen.length).toBeLessThan(first.seen.length);
      });
    });

    describe('products', () => {
      it('derives attributes from the latest line and aggregates from all of them; unknown ids are absent', async () => {
        const store = await openStore('products');
        const id = uniqueIds('prod');
        const product = '22' + Math.floor(Math.random() * 1000).toString().padStart(3, '0') + id('x');
        await store.ingest([
          line({ lineId: id('1:1'), invoiceNo: id('1'), productId: product, description: 'OLD NAME', unitPrice: 1, quantity: 2, timeUnixMs: T0, userId: id('a') }),
          line({ lineId: id('1:2'), invoiceNo: id('1'), productId: product, description: 'OLD NAME', unitPrice: 1, quantity: 1, timeUnixMs: T0, userId: id('a') }),
          line({ lineId: id('2:1'), invoiceNo: id('2'), productId: product, description: 'NEW NAME', unitPrice: 1.25, quantity: 3, timeUnixMs: T0 + 40 * DAY, userId: id('b') }),
          line({ lineId: id('3:1'), invoiceNo: id('3'), productId: id('POST'), unitPrice: 18, timeUnixMs: T0 }),
        ]);
        const found = await store.getProducts([product, id('POST'), id('missing')]);
        expect(found.get(product)).toEqual({
          productId: product,
          description: 'NEW NAME',
          unitPrice: 1.25,
          isProduct: true,
          inStock: true,
          firstSoldUnixMs: T0,
          lastSoldUnixMs: T0 + 40 * DAY,
          customers: 2,
          invoices: 2,
          quantity: 6,
          invoicesLast30d: 1,
        });
        expect(found.get(id('POST'))?.isProduct).toBe(false);
        expect(found.has(id('missing'))).toBe(false);
      });

      it('reports the latest stock update of each product, whatever order updates arrive in, and keeps it across a reopen', async () => {
        const store = await openStore('stock');
        const id = uniqueIds('stock');
        const [a, b, c, later] = [id('A'), id('B'), id('C'), id('LATER')];
        await store.ingest([a, b, c].map((productId, i) => line({ lineId: id(`${i}:1`), invoiceNo: id(`${i}`), productId })));
        const inStock = async (ids: string[]) => Object.fromEntries([...(await store.getProducts(ids))].map(([productId, product]) => [productId, product.inStock]));
        expect(await inStock([a, b, c])).toEqual({ [a]: true, [b]: true, [c]: true });

        await store.setStock([
          { productId: a, inStock: false, updatedUnixMs: T0 + 2 },
          { productId: b, inStock: false, updatedUnixMs: T0 + 1 },
          // A product not sold yet may be stocked; it is reported once it sells.
          { productId: later, inStock: false, updatedUnixMs: T0 + 1 },
        ]);
        // B comes back; a late copy of an older update of A changes nothing; a tie goes to "in stock".
        await store.setStock([
          { productId: b, inStock: true, updatedUnixMs: T0 + 3 },
          { productId: a, inStock: true, updatedUnixMs: T0 + 1 },
          { productId: c, inStock: false, updatedUnixMs: T0 + 5 },
        ]);
        await store.setStock([{ productId: c, inStock: true, updatedUnixMs: T0 + 5 }]);
        expect(await inStock([a, b, c, later])).toEqual({ [a]: false, [b]: true, [c]: true });

        await store.ingest([line({ lineId: id('9:1'), invoiceNo: id('9'), productId: later })]);
        const reopened = await openStore('stock');
        expect(Object.fromEntries([...(await reopened.getProducts([a, later]))].map(([productId, product]) => [productId, product.inStock]))).toEqual({ [a]: false, [later]: false });
      });
    });

    describe('popularity', () => {
      it('ranks by distinct invoices globally and per country, all time and over the last 30 days', async () => {
        const store = await openStore('popularity');
        const lines = [
          // P1: 3 invoices long ago (UK); P2: 2 recent invoices (France, UK); P3: 1 recent (France), 2 lines.
          line({ lineId: 'i1:1', invoiceNo: 'i1', productId: 'P1', timeUnixMs: T0, country: 'United Kingdom' }),
          line({ lineId: 'i2:1', invoiceNo: 'i2', productId: 'P1', timeUnixMs: T0, country: 'United Kingdom' }),
          line({ lineId: 'i3:1', invoiceNo: 'i3', productId: 'P1', timeUnixMs: T0, country: 'United Kingdom' }),
          line({ lineId: 'i4:1', invoiceNo: 'i4', productId: 'P2', timeUnixMs: T0 + 60 * DAY, country: 'France' }),
          line({ lineId: 'i5:1', invoiceNo: 'i5', productId: 'P2', timeUnixMs: T0 + 61 * DAY, country: 'United Kingdom' }),
          line({ lineId: 'i4:2', invoiceNo: 'i4', productId: 'P3', timeUnixMs: T0 + 60 * DAY, country: 'France' }),
          line({ lineId: 'i4:3', invoiceNo: 'i4', productId: 'P3', timeUnixMs: T0 + 60 * DAY, country: 'France' }),
        ];
        await store.ingest(lines);
        expect(await store.refreshPopularity()).toBe(7);
        const all = await store.popular(GLOBAL_SCOPE, 'all', 10);
        expect(all).toEqual([
          { productId: 'P1', score: 3 },
          { productId: 'P2', score: 2 },
          { productId: 'P3', score: 1 },
        ]);
        expect(await store.popular(GLOBAL_SCOPE, 'last30d', 10)).toEqual([
          { productId: 'P2', score: 2 },
          { productId: 'P3', score: 1 },
        ]);
        expect(await store.popular('France', 'all', 10)).toEqual([
          { productId: 'P2', score: 1 },
          { productId: 'P3', score: 1 },
        ]);
        expect(await store.popular(GLOBAL_SCOPE, 'all', 1)).toEqual([{ productId: 'P1', score: 3 }]);
        expect(await store.popular('Atlantis', 'all', 10)).toEqual([]);

        await store.ingest(lines);
        await store.refreshPopularity();
        expect(await store.popular(GLOBAL_SCOPE, 'all', 10)).toEqual(all);
      });
    });

    describe('erasure', () => {
      it('removes every row about the user, reports the counts, and leaves other users alone', async () => {
        const store = await openStore('erasure');
        const id = uniqueIds('erase');
        const [gone, kept] = [id('gone'), id('kept')];
        await store.ingest([
          line({ lineId: id('1:1'), invoiceNo: id('1'), productId: 'E1', userId: gone, country: 'Erasia' }),
          line({ lineId: id('1:2'), invoiceNo: id('1'), productId: 'E2', userId: gone, country: 'Erasia' }),
          line({ lineId: id('2:1'), invoiceNo: id('2'), productId: 'E1', userId: gone, country: 'Erasia' }),
          line({ lineId: id('3:1'), invoiceNo: id('3'), productId: 'E1', userId: kept, country: 'Keptland' }),
        ]);
        expect(await store.eraseUser(gone)).toEqual({ profiles: 1, purchases: 3, productAggregates: 2, transactionLines: 3, slates: 0 });
        expect((await store.getUserContext(gone, 50)).known).toBe(false);
        expect((await store.getUserContext(kept, 50)).profile?.invoiceCount).toBe(1);
        const products = await store.getProducts(['E1', 'E2']);
        expect(products.get('E1')).toMatchObject({ invoices: 1, customers: 1 });
        expect(products.has('E2')).toBe(false);
        await store.refreshPopularity();
        expect(await store.popular('Erasia', 'all', 10)).toEqual([]);
        expect(await store.eraseUser(gone)).toEqual({ profiles: 0, purchases: 0, productAggregates: 0, transactionLines: 0, slates: 0 });
        // The erased lines are gone from the log too: sending them again applies them anew.
        expect(await store.ingest([line({ lineId: id('1:1'), invoiceNo: id('1'), productId: 'E1', userId: gone })])).toEqual({ applied: 1, duplicates: 0 });
      });
    });

    describe('slate log', () => {
      const collect = async (store: FeatureStore, from: number, to: number, pageSize?: number) => {
        const found = [];
        for await (const page of store.slates(from, to, pageSize)) found.push(...page);
        return found;
      };

      it('stores each slate once, returns a window across days whole, in served order', async () => {
        const store = await openStore('slates');
        const id = uniqueIds('slate');
        // Three days, two slates on the middle one (one a shadow of the other), far from other tests' times.
        const base = T0 + 400 * DAY + Math.floor(Math.random() * 1000) * 10 * DAY;
        const slates = [
          slate({ slateId: id('a'), requestId: id('r1'), userHash: 'h1', servedUnixMs: base + 1000, served: ['P1', 'P2'] }),
          slate({ slateId: id('b'), requestId: id('r2'), userHash: 'h2', servedUnixMs: base + DAY + 5, variant: 'treatment' }),
          slate({ slateId: id('c'), requestId: id('r2'), userHash: 'h2', servedUnixMs: base + DAY + 5, variant: 'shadow', shadow: true }),
          // Later servings of slate a's page, logged as one row.
          slate({ slateId: id('d'), requestId: id('d'), userHash: 'h1', servedUnixMs: base + 2 * DAY + 7, served: ['P1', 'P2'], servings: 40, lastServedUnixMs: base + 2 * DAY + 9_000, repeatOf: id('a') }),
        ];
        expect(await store.appendSlates(slates.slice(0, 3), 3600)).toEqual({ stored: 3, duplicates: 0 });
        // A retried batch (with one new slate) stores only the new one.
        expect(await store.appendSlates(slates, 3600)).toEqual({ stored: 1, duplicates: 3 });
        const all = await collect(store, base, base + 3 * DAY, 2);
        expect(all.map((s) => s.slateId).sort()).toEqual(slates.map((s) => s.slateId).sort());
        expect(all.map((s) => s.servedUnixMs)).toEqual([...all.map((s) => s.servedUnixMs)].sort((a, b) => a - b));
        expect(all.find((s) => s.slateId === id('a'))).toMatchObject(slates[0]!);
        expect(all.find((s) => s.slateId === id('c'))).toMatchObject({ shadow: true, variant: 'shadow', requestId: id('r2') });
        expect(all.find((s) => s.slateId === id('d'))).toMatchObject({ servings: 40, lastServedUnixMs: base + 2 * DAY + 9_000, repeatOf: id('a') });
        // The window is half-open on served time.
        expect((await collect(store, base + DAY + 5, base + 2 * DAY + 7)).map((s) => s.slateId).sort()).toEqual([id('b'), id('c')]);
        expect(await collect(store, base - DAY, base)).toEqual([]);
      });

      it("erases a user's slates with the rest of their data, found by the user's hash", async () => {
        const store = await openStore('slate_erasure');
        const id = uniqueIds('slate-erase');
        const [gone, kept] = [id('gone'), id('kept')];
        const when = T0 + 500 * DAY + Math.floor(Math.random() * 1000) * 10 * DAY;
        await store.appendSlates(
          [
            slate({ slateId: id('1'), userHash: slateUserKey(gone), servedUnixMs: when }),
            slate({ slateId: id('2'), userHash: slateUserKey(gone), servedUnixMs: when + DAY }),
            slate({ slateId: id('3'), userHash: slateUserKey(kept), servedUnixMs: when }),
          ],
          3600,
        );
        expect((await store.eraseUser(gone)).slates).toBe(2);
        expect((await collect(store, when, when + 2 * DAY)).map((s) => s.slateId)).toEqual([id('3')]);
        expect((await store.eraseUser(gone)).slates).toBe(0);
      });
    });

    describe('model registry', () => {
      const input = (model: string, version: string): ModelVersionInput => ({
        model,
        version,
        trainStartUnixMs: T0,
        trainEndUnixMs: T0 + DAY,
        trainingRows: 1234,
        inputHash: 'abc',
        codeVersion: 'deadbeef',
        parameters: { dim: '32' },
        metrics: { 'new.ndcg@10': 0.125 },
      });

      it('registers versions with checksummed chunks, lists newest first, promotes and rolls back', async () => {
        const store = await openStore('registry');
        const model = uniqueIds('m')('copurchase');
        const big = new Uint8Array(1_300_000).map((_, index) => (index * 7) % 251);
        const v1 = await store.registerModelVersion(input(model, 'v1'), big);
        expect(v1).toMatchObject({ stage: 'candidate', checksum: createHash('sha256').update(big).digest('hex'), chunkCount: 3, sizeBytes: big.length, trainingRows: 1234, promotedBy: '', promotedUnixMs: 0 });
        await new Promise((resolve) => setTimeout(resolve, 5));
        await store.registerModelVersion(input(model, 'v2'), new Uint8Array([1, 2, 3]));
        await expect(store.registerModelVersion(input(model, 'v2'), new Uint8Array([9]))).rejects.toBeInstanceOf(StorePreconditionError);

        expect((await store.listModelVersions(model, 10)).map((info) => info.version)).toEqual(['v2', 'v1']);
        expect((await store.listModelVersions(model, 1)).map((info) => info.version)).toEqual(['v2']);
        expect(await store.listModels()).toContain(model);
        expect(await store.getModelVersion(model)).toBeUndefined();
        expect(await store.getModelVersion(model, 'v1')).toEqual(v1);

        const chunks: Uint8Array[] = [];
        for await (const chunk of store.readArtifact(model, 'v1')) {
          expect(chunk.index).toBe(chunks.length);
          expect(chunk.count).toBe(3);
          chunks.push(chunk.data);
        }
        expect(Buffer.concat(chunks).equals(Buffer.from(big))).toBe(true);

        const beforePromotion = Date.now();
        const first = await store.promoteModelVersion(model, 'v1', 'alice');
        expect(first.previousVersion).toBe('');
        expect(first.info).toMatchObject({ version: 'v1', stage: 'production', promotedBy: 'alice' });
        // Who and when are stored, not only returned: a fresh read has them.
        const stored = await store.getModelVersion(model, 'v1');
        expect(stored).toMatchObject({ promotedBy: 'alice', promotedUnixMs: first.info.promotedUnixMs });
        expect(stored!.promotedUnixMs).toBeGreaterThanOrEqual(beforePromotion);
        const second = await store.promoteModelVersion(model, 'v2', 'bob');
        expect(second.previousVersion).toBe('v1');
        expect((await store.getModelVersion(model))?.version).toBe('v2');
        expect(await store.getModelVersion(model, 'v1')).toMatchObject({ stage: 'retired', promotedBy: 'alice' });
        expect(await store.getModelVersion(model, 'v2')).toMatchObject({ stage: 'production', promotedBy: 'bob' });

        const back = await store.rollbackModel(model, 'carol');
        expect(back.rolledBackVersion).toBe('v2');
        expect(back.info).toMatchObject({ version: 'v1', stage: 'production', promotedBy: 'carol' });
        expect(await store.getModelVersion(model)).toMatchObject({ version: 'v1', stage: 'production', promotedBy: 'carol' });
        expect((await store.getModelVersion(model, 'v2'))?.stage).toBe('retired');
        await expect(store.rollbackModel(model, 'carol')).rejects.toBeInstanceOf(StorePreconditionError);
      });

      it('of two promotions racing, applies one and refuses the other: one version in production, its history intact', async () => {
        const store = await openStore('registry');
        const model = uniqueIds('m')('affinity');
        for (const version of ['v1', 'v2', 'v3']) await store.registerModelVersion(input(model, version), new Uint8Array([1]));
        await store.promoteModelVersion(model, 'v1', 'alice');
        const outcomes = await Promise.allSettled([store.promoteModelVersion(model, 'v2', 'bob'), store.promoteModelVersion(model, 'v3', 'carol')]);
        const won = outcomes.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
        for (const outcome of outcomes) if (outcome.status === 'rejected') expect(outcome.reason).toBeInstanceOf(StorePreconditionError);
        // Both may succeed only one after the other: the second then retired the first.
        if (won.length === 2) {
          const [a, b] = won as [(typeof won)[0], (typeof won)[0]];
          expect([a.previousVersion === 'v1' && b.previousVersion === a.info.version, b.previousVersion === 'v1' && a.previousVersion === b.info.version]).toContain(true);
        }
        const current = (await store.getModelVersion(model))!.version;
        const stages = await Promise.all(['v1', 'v2', 'v3'].map(async (version) => (await store.getModelVersion(model, version))!.stage));
        expect(stages.filter((stage) => stage === 'production')).toHaveLength(1);
        expect(stages[['v1', 'v2', 'v3'].indexOf(current)]).toBe('production');
        // Rolling back walks the history the winner(s) recorded, back to v1.
        let back = await store.rollbackModel(model, 'dave');
        if (won.length === 2) back = await store.rollbackModel(model, 'dave');
        expect(back.info.version).toBe('v1');
        await expect(store.rollbackModel(model, 'dave')).rejects.toBeInstanceOf(StorePreconditionError);
      });

      it('refuses unknown versions', async () => {
        const store = await openStore('registry');
        await expect(store.promoteModelVersion('affinity', 'nope', 'x')).rejects.toBeInstanceOf(StoreNotFoundError);
        await expect(
          (async () => {
            for await (const _chunk of store.readArtifact('affinity', 'nope')) void _chunk;
          })(),
        ).rejects.toBeInstanceOf(StoreNotFoundError);
      });
    });
  });
}
