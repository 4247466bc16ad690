import { Writable } from 'node:stream';
import { FailedPreconditionError, InvalidArgumentError, NotFoundError, UnavailableError } from '@aisle/grpc-kit';
import { createLogger } from '@aisle/telemetry';
import { describe, expect, it } from 'vitest';
import { ModelVersions, requireModelVersion, type HotSwapOptions, type PinnedVersionOptions } from './index';
import { InMemoryModelSource } from './testing';

const lines: string[] = [];
const logger = createLogger('model-versions-test', new Writable({ write: (chunk, _encoding, done) => (lines.push(String(chunk)), done()) }));
const text = (s: string) => Buffer.from(s, 'utf8');
const decode = (bytes: Uint8Array) => Buffer.from(bytes).toString('utf8');
/** Lets queued promise callbacks (e.g. a deferred dispose) run. */
const turn = () => new Promise((resolve) => setImmediate(resolve));

type Options = HotSwapOptions<string> & PinnedVersionOptions<string>;

async function start(source: InMemoryModelSource, extra: Partial<Options> = {}) {
  const disposed: string[] = [];
  const versions = await ModelVersions.start<string>({ model: 'm', source, load: decode, dispose: (old) => void disposed.push(old), pollIntervalMs: 0, startTimeoutMs: 2000, logger, ...extra });
  return { versions, disposed };
}

/** What `use` answers now: the value served, or the error thrown. */
function ask(versions: ModelVersions<string>, version: string): string | Error {
  try {
    return versions.use(version, (loaded) => `${loaded.info.id?.version}:${loaded.value}`);
  } catch (error) {
    return error as Error;
  }
}

/** Asks for `version` (starting its load) and waits until it is loaded. */
async function pin(versions: ModelVersions<string>, version: string): Promise<void> {
  expect(ask(versions, version)).toBeInstanceOf(UnavailableError);
  await versions.settled();
  expect(ask(versions, version)).toMatch(new RegExp(`^${version}:`));
}

function registry(): InMemoryModelSource {
  const source = new InMemoryModelSource();
  source.register('m', 'v2', text('two'));
  source.register('m', 'v3', text('three'));
  source.register('m', 'v4', text('four'));
  source.publish('m', 'v1', text('one'));
  return source;
}

describe('ModelVersions', () => {
  it('passes "" and the production version straight to the production model, without asking the registry', async () => {
    const source = registry();
    const { versions } = await start(source);
    const fetches = source.fetches;
    expect(ask(versions, '')).toBe('v1:one');
    expect(ask(versions, 'v1')).toBe('v1:one');
    expect(versions.info().id?.version).toBe('v1');
    expect(versions.use('', async (loaded) => loaded.value)).toBeInstanceOf(Promise);
    expect(source.fetches).toBe(fetches);
    expect(source.lookups).toBe(0);
    // A new production version is what "" means from the next request on.
    source.publish('m', 'v5', text('five'));
    expect(await versions.production.refresh()).toBe('swapped');
    expect(ask(versions, '')).toBe('v5:five');
    expect(ask(versions, 'v5')).toBe('v5:five');
    expect(versions.pinnedVersions()).toEqual([]);
    await versions.stop();
  });

  it('answers UNAVAILABLE while a version loads, loads it once for all concurrent requests, then serves it', async () => {
    const source = registry();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let loads = 0;
    const { versions } = await start(source, {
      load: async (bytes, info) => {
        if (info.id?.version === 'v1') return decode(bytes);
        loads += 1;
        await gate;
        return decode(bytes);
      },
    });
    const fetches = source.fetches;
    const first = ask(versions, 'v2');
    expect(first).toBeInstanceOf(UnavailableError);
    expect((first as Error).message).toBe('model_version: loading v2');
    await expect.poll(() => loads).toBe(1);
    const during = await Promise.all(Array.from({ length: 20 }, async () => ask(versions, 'v2')));
    for (const answer of during) expect(answer).toBeInstanceOf(UnavailableError);
    // Production keeps serving meanwhile.
    expect(ask(versions, '')).toBe('v1:one');
    release();
    await versions.settled();
    expect(ask(versions, 'v2')).toBe('v2:two');
    expect(versions.use('v2', (loaded) => loaded.info)).toMatchObject({ id: { model: 'm', version: 'v2' }, stage: 'candidate' });
    expect(versions.use('v2', (loaded) => loaded.info.loadedUnixMs)).toBeGreaterThan(0);
    expect(loads).toBe(1);
    expect(source.lookups).toBe(1);
    expect(source.fetches - fetches).toBe(1);
    expect(lines.some((line) => line.includes('pinned model version loaded') && line.includes('"version":"v2"'))).toBe(true);
    await versions.stop();
  });

  it('answers NOT_FOUND naming model_version for a version the registry lacks, remembering the miss for a while', async () => {
    const source = registry();
    const { versions } = await start(source);
    expect(ask(versions, 'nope')).toBeInstanceOf(UnavailableError);
    await versions.settled();
    for (let i = 0; i < 50; i += 1) {
      const answer = ask(versions, 'nope');
      expect(answer).toBeInstanceOf(NotFoundError);
      expect((answer as Error).message).toBe('model_version: m has no version nope');
    }
    expect(source.lookups).toBe(1);
    await versions.stop();
  });

  it('asks the registry again once a miss is stale, still answering NOT_FOUND until the version appears', async () => {
    const source = registry();
    const { versions } = await start(source, { missTtlMs: 0 });
    expect(ask(versions, 'later')).toBeInstanceOf(UnavailableError);
    await versions.settled();
    expect(ask(versions, 'later')).toBeInstanceOf(NotFoundError);
    await versions.settled();
    expect(source.lookups).toBe(2);
    source.register('m', 'later', text('at last'));
    expect(ask(versions, 'later')).toBeInstanceOf(NotFoundError);
    await versions.settled();
    expect(ask(versions, 'later')).toBe('later:at last');
    await versions.stop();
  });

  it('refuses a version whose checksum does not match or whose loader throws (FAILED_PRECONDITION), and serves production', async () => {
    const source = registry();
    source.register('m', 'corrupt', text('bad bytes'), { checksum: 'ab'.repeat(32) });
    source.register('m', 'unloadable', text('bad'));
    const { versions } = await start(source, { load: (bytes) => (decode(bytes) === 'bad' ? Promise.reject(new Error('cannot parse')) : decode(bytes)) });
    for (const version of ['corrupt', 'unloadable']) {
      expect(ask(versions, version)).toBeInstanceOf(UnavailableError);
      await versions.settled();
      const answer = ask(versions, version);
      expect(answer).toBeInstanceOf(FailedPreconditionError);
      expect((answer as Error).message).toMatch(new RegExp(`^model_version: m ${version} cannot be served: its artifact (does not match its registered checksum|failed to load)$`));
    }
    expect(ask(versions, '')).toBe('v1:one');
    expect(versions.pinnedVersions()).toEqual([]);
    expect(lines.some((line) => line.includes('pinned model artifact checksum mismatch') && line.includes('"version":"corrupt"'))).toBe(true);
    await versions.stop();
  });

  it('answers UNAVAILABLE while the registry is unreachable and loads the version once it is back', async () => {
    const source = registry();
    const { versions } = await start(source, { retryMs: 0 });
    source.failure = new Error('registry down');
    expect(ask(versions, 'v2')).toBeInstanceOf(UnavailableError);
    await versions.settled();
    const down = ask(versions, 'v2');
    expect(down).toBeInstanceOf(UnavailableError);
    await versions.settled();
    source.failure = undefined;
    expect(ask(versions, 'v2')).toBeInstanceOf(UnavailableError);
    await versions.settled();
    expect(ask(versions, 'v2')).toBe('v2:two');
    expect(ask(versions, '')).toBe('v1:one');
    await versions.stop();
  });

  it('keeps at most maxPinned versions, evicting the least recently used and disposing it only after its last user', async () => {
    const source = registry();
    const { versions, disposed } = await start(source, { maxPinned: 2 });
    await pin(versions, 'v2');
    await pin(versions, 'v3');
    let finish!: () => void;
    const inFlight = versions.use('v3', async (loaded) => {
      await new Promise<void>((resolve) => (finish = resolve));
      return loaded.value;
    });
    // v2 used after v3: v3 is now the least recently used, with a request still holding it.
    expect(ask(versions, 'v2')).toBe('v2:two');
    await pin(versions, 'v4');
    expect(versions.pinnedVersions()).toEqual(['v2', 'v4']);
    await turn();
    expect(disposed).toEqual([]);
    finish();
    expect(await inFlight).toBe('three');
    await expect.poll(() => disposed).toEqual(['three']);
    // An evicted version loads again on request.
    expect(ask(versions, 'v3')).toBeInstanceOf(UnavailableError);
    await versions.settled();
    expect(ask(versions, 'v3')).toBe('v3:three');
    expect(versions.pinnedVersions()).toEqual(['v4', 'v3']);
    await expect.poll(() => disposed).toEqual(['three', 'two']);
    expect(lines.some((line) => line.includes('evicted') && line.includes('"version":"v3"'))).toBe(true);
    await versions.stop();
    await expect.poll(() => [...disposed].sort()).toEqual(['four', 'one', 'three', 'three', 'two']);
  });

  it('serves production only when maxPinned is 0', async () => {
    const source = registry();
    const { versions } = await start(source, { maxPinned: 0 });
    const answer = ask(versions, 'v2');
    expect(answer).toBeInstanceOf(FailedPreconditionError);
    expect((answer as Error).message).toMatch(/^model_version: /);
    expect(ask(versions, 'v1')).toBe('v1:one');
    await versions.settled();
    expect(source.lookups).toBe(0);
    await versions.stop();
  });

  it('releases a pinned version when the request throws, and keeps synchronous callers synchronous', async () => {
    const source = registry();
    const { versions, disposed } = await start(source, { maxPinned: 1 });
    await pin(versions, 'v2');
    expect(() => versions.use('v2', () => {
      throw new Error('boom');
    })).toThrow('boom');
    await expect(versions.use('v2', async () => Promise.reject(new Error('async boom')))).rejects.toThrow('async boom');
    await pin(versions, 'v3');
    // Both failed requests let go of v2, so its eviction disposes it at once.
    await expect.poll(() => disposed).toEqual(['two']);
    await versions.stop();
  });

  it('validates model_version: "" or up to 128 printable characters, naming the field', () => {
    expect(requireModelVersion('')).toBe('');
    expect(requireModelVersion('v'.repeat(128))).toBe('v'.repeat(128));
    for (const bad of ['v'.repeat(129), 'v\u00001']) {
      let error: unknown;
      try {
        requireModelVersion(bad);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect((error as InvalidArgumentError).field).toBe('model_version');
    }
  });
});
