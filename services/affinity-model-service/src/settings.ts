import { defaultAddress, duration, loadConfig, oneOf, text } from '@aisle/config';

/** Settings of this service beyond the common server ones. */
export function loadAffinitySettings(env: NodeJS.ProcessEnv = process.env) {
  const config = loadConfig(
    {
      AISLE_FEATURES_ADDRESS: text(defaultAddress('features')),
      AISLE_AFFINITY_MODEL: text('affinity', { maxLength: 64 }),
      // A local artifact instead of the registry (development, tests of a freshly trained file).
      AISLE_AFFINITY_MODEL_FILE: text(''),
      // "js": the TypeScript tree evaluator (default, fastest); "wasm": ml-xgboost's own predict.
      AISLE_AFFINITY_ENGINE: oneOf(['js', 'wasm'] as const, 'js'),
      // "approx" (default): Saabas path attributions; "exact": TreeSHAP, ~2 ms per explained candidate.
      AISLE_AFFINITY_EXPLANATIONS: oneOf(['approx', 'exact'] as const, 'approx'),
      AISLE_MODEL_POLL_INTERVAL: duration(30_000, { min: 0, max: 3_600_000 }),
      AISLE_MODEL_START_TIMEOUT: duration(120_000, { min: 0, max: 3_600_000 }),
    },
    env,
  );
  return {
    registryAddress: config.AISLE_FEATURES_ADDRESS,
    modelName: config.AISLE_AFFINITY_MODEL,
    modelFile: config.AISLE_AFFINITY_MODEL_FILE,
    engine: config.AISLE_AFFINITY_ENGINE,
    explanations: config.AISLE_AFFINITY_EXPLANATIONS,
    pollIntervalMs: config.AISLE_MODEL_POLL_INTERVAL,
    startTimeoutMs: config.AISLE_MODEL_START_TIMEOUT,
  };
}
