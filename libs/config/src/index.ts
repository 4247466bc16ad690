export { ConfigError, loadConfig } from './load';
export type { ConfigShape, ConfigOf } from './load';
export { bool, duration, integer, listOf, oneOf, port, text } from './fields';
export { SERVICE_PORTS, defaultAddress, loadServerSettings } from './services';
export type { ServerSettings, ServiceName } from './services';
