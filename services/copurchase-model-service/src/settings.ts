import { defaultAddress, duration, loadConfig, text } from '@aisle/config';

/** Settings of this service beyond the common server ones. */
export function loadCopurchaseSettings(env: NodeJS.ProcessEnv = process.env) {
  const config = loadConfig(
    {
      AISLE_FEATURES_ADDRESS: text(defaultAddress('features')),
      AISLE_COPURCHASE_MODEL: text('copurchase', { maxLength: 64 }),
      AISLE_MODEL_POLL_INTERVAL: duration(30_000, { min: 0, max: 3_600_000 }),
      AISLE_MODEL_START_TIMEOUT: duration(120_000, { min: 0, max: 3_600_000 }),
    },
    env,
  );
  return {
    registryAddress: config.AISLE_FEATURES_ADDRESS,
    modelName: config.AISLE_COPURCHASE_MODEL,
    pollIntervalMs: config.AISLE_MODEL_POLL_INTERVAL,
    startTimeoutMs: config.AISLE_MODEL_START_TIMEOUT,
  };
}
