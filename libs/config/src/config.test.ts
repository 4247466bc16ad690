import { describe, expect, it } from 'vitest';
import { ConfigError, bool, duration, listOf, loadConfig, oneOf, port, text } from './index';

describe('loadConfig', () => {
  const shape = {
    AISLE_PORT: port(50051),
    AISLE_BUDGET: duration(80),
    AISLE_STORE: oneOf(['sqlite', 'cassandra'] as const, 'sqlite'),
    AISLE_HOSTS: listOf(text(), ['127.0.0.1']),
    AISLE_TLS: bool(false),
  };

  it('applies defaults when variables are unset', () => {
    expect(loadConfig(shape, {})).toEqual({
      AISLE_PORT: 50051,
      AISLE_BUDGET: 80,
      AISLE_STORE: 'sqlite',
      AISLE_HOSTS: ['127.0.0.1'],
      AISLE_TLS: false,
    });
  });

  it('parses values with units and lists', () => {
    const config = loadConfig(shape, { AISLE_PORT: '0', AISLE_BUDGET: '2s', AISLE_STORE: 'cassandra', AISLE_HOSTS: 'a, b', AISLE_TLS: 'yes' });
    expect(config).toEqual({ AISLE_PORT: 0, AISLE_BUDGET: 2000, AISLE_STORE: 'cassandra', AISLE_HOSTS: ['a', 'b'], AISLE_TLS: true });
    expect(loadConfig(shape, { AISLE_BUDGET: '30d' }).AISLE_BUDGET).toBe(30 * 86_400_000);
  });

  it('names every bad variable at once', () => {
    let error: unknown;
    try {
      loadConfig({ ...shape, AISLE_REQUIRED: text() }, { AISLE_PORT: '70000', AISLE_STORE: 'mysql', AISLE_BUDGET: 'soon' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toEqual([
      'AISLE_PORT must be between 0 and 65535, got 70000',
      'AISLE_BUDGET must be a duration such as 250ms, 2s, 5m or 30d, got "soon"',
      'AISLE_STORE must be one of sqlite, cassandra, got "mysql"',
      'AISLE_REQUIRED is required',
    ]);
  });
});

describe('loadServerSettings', () => {
  it('uses the service default port and reads its own port variable', async () => {
    const { loadServerSettings } = await import('./index');
    expect(loadServerSettings('ranker', {}).listenAddress).toBe('127.0.0.1:50051');
    expect(loadServerSettings('affinity', { AISLE_AFFINITY_PORT: '0', AISLE_BIND_HOST: '0.0.0.0' }).listenAddress).toBe('0.0.0.0:0');
    expect(() => loadServerSettings('features', { AISLE_FEATURES_PORT: 'x' })).toThrow(/AISLE_FEATURES_PORT must be a whole number/);
  });

  it('sheds at the ranker far sooner than behind it, unless told otherwise', async () => {
    const { loadServerSettings } = await import('./index');
    expect(loadServerSettings('ranker', {}).maxConcurrentCalls).toBe(128);
    expect(loadServerSettings('features', {}).maxConcurrentCalls).toBe(512);
    expect(loadServerSettings('ranker', { AISLE_MAX_CONCURRENT_CALLS: '0' }).maxConcurrentCalls).toBe(0);
    // Only the ranker sheds by event-loop delay by default.
    expect(loadServerSettings('ranker', {}).shedEventLoopDelayMs).toBe(50);
    expect(loadServerSettings('affinity', {}).shedEventLoopDelayMs).toBe(0);
    expect(loadServerSettings('ranker', { AISLE_SHED_EVENT_LOOP_DELAY: '0' }).shedEventLoopDelayMs).toBe(0);
    expect(loadServerSettings('features', { AISLE_SHED_EVENT_LOOP_DELAY: '200ms' }).shedEventLoopDelayMs).toBe(200);
  });
});
