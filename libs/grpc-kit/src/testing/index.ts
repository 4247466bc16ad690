export { checkHealth, fileContainingSymbol, listServices } from './probe';
