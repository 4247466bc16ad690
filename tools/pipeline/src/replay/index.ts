export { clusterBootstrap, quantile, resampleIndices, type BootstrapOptions, type BootstrapResult, type Cluster, type Estimate } from './bootstrap';
export { parseReplayArgs, replayCommand, type ReplayCommand } from './cli';
export { formatEstimate, replayMarkdown } from './format';
export { PurchaseIndex, type PurchaseLine } from './purchases';
export { asOfOf, DEFAULT_REPLAY_OPTIONS, replay, scoreSlate, servingsOf, type GroupResult, type ReplayOptions, type ReplayResult, type ShadowResult, type SlateOutcome } from './replay';
export { DEFAULT_WINDOW_MS, readPurchases, readSlates, replayStore, type StoreReplayOptions } from './store';
export { replayFingerprint, replayForRun, type RunReplay } from './run';
