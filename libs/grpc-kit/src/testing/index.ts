// Test helpers with no test-runner imports (tools use them outside vitest too); starting a service
// process is part of the lib itself (startServiceProcess). The vitest-bound
// bad-input suite is its own entry, @aisle/grpc-kit/testing/bad-input.
export { checkHealth, fileContainingSymbol, listServices } from '../probe';
export { createTestPki } from './pki';
export type { CertificateFiles, TestPki } from './pki';
export { RawClient } from './raw-call';
export type { RawCallOptions, RawOutcome } from './raw-call';
