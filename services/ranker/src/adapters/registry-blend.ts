// The blend as a registered model: the production version of the registry's "blend" model, polled,
// checksum-verified and swapped in by the same HotSwapModel the model services use. Until the
// registry has a production blend, and whenever it cannot be read, the ranker keeps what it serves
// (at first the blend file). A Rank reads the blend once, so it sees exactly one version.
import { HotSwapModel, type ModelSource } from '@aisle/model-serving';
import type { Logger } from '@aisle/telemetry';
import type { Blend } from '../flow/rank';
import { parseBlend } from './blend-source';

export interface RegistryBlendOptions {
  /** Model name in the registry ("blend"). */
  model: string;
  source: ModelSource;
  /** How often to ask for a new production version; 0 polls only on `refresh()`. */
  pollIntervalMs: number;
  /** How long start-up waits for the first answer of the registry. */
  firstPollMs: number;
  logger: Logger;
}

/** The registry's production blend (its version id wins over the document's), or `fallback`. */
export function startRegistryBlend(fallback: Blend, options: RegistryBlendOptions): Promise<HotSwapModel<Blend>> {
  return HotSwapModel.start<Blend>({
    model: options.model,
    source: options.source,
    load: (bytes, info) => {
      const version = info.id?.version ?? '';
      return { ...parseBlend(Buffer.from(bytes).toString('utf8'), version), version };
    },
    pollIntervalMs: options.pollIntervalMs,
    startTimeoutMs: options.firstPollMs,
    fallback,
    logger: options.logger,
  });
}
