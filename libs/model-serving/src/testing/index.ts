export { InMemoryModelSource } from './memory-source';
export type { PublishOptions } from './memory-source';
