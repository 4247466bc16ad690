// Model inference latency, recorded the same way by every model service: one histogram
// (aisle.model.inference.duration) by model, version and operation.
import { ATTR, meter } from '@aisle/telemetry';
import type { LoadedModel } from './hot-swap';

const inference = meter.createHistogram('aisle.model.inference.duration', {
  description: 'Time to compute features and score one request with a loaded model version',
  unit: 'ms',
  advice: { explicitBucketBoundaries: [0.25, 0.5, 1, 2, 5, 10, 20, 50, 100] },
});

/** Runs `work` against the loaded version and records how long it took. */
export function timedInference<T, R>(loaded: LoadedModel<T>, operation: string, work: (value: T) => R): R {
  const started = performance.now();
  try {
    return work(loaded.value);
  } finally {
    inference.record(performance.now() - started, {
      [ATTR.MODEL_NAME]: loaded.info.id?.model ?? '',
      [ATTR.MODEL_VERSION]: loaded.info.id?.version ?? '',
      [ATTR.MODEL_OPERATION]: operation,
    });
  }
}
