import { loadConfig, oneOf, text } from '@aisle/config';
import { loadRegistrySettings } from '@aisle/model-serving';

/** Settings of this service beyond the common server ones. */
export function loadAffinitySettings(env: NodeJS.ProcessEnv = process.env) {
  const config = loadConfig(
    {
      // A local artifact instead of the registry (development, tests of a freshly trained file).
      AISLE_AFFINITY_MODEL_FILE: text(''),
      // "js": the TypeScript tree evaluator (default, fastest); "wasm": ml-xgboost's own predict.
      AISLE_AFFINITY_ENGINE: oneOf(['js', 'wasm'] as const, 'js'),
      // "approx" (default): Saabas path attributions; "exact": TreeSHAP, ~2 ms per explained candidate.
      AISLE_AFFINITY_EXPLANATIONS: oneOf(['approx', 'exact'] as const, 'approx'),
    },
    env,
  );
  return {
    ...loadRegistrySettings('affinity', env),
    modelFile: config.AISLE_AFFINITY_MODEL_FILE,
    engine: config.AISLE_AFFINITY_ENGINE,
    explanations: config.AISLE_AFFINITY_EXPLANATIONS,
  };
}
