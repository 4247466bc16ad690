export { checkHealth, fileContainingSymbol, listServices } from '../probe';
export { startServiceProcess } from './process';
export type { ServiceProcess } from './process';
