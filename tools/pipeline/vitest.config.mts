import { defineConfig } from 'vitest/config';
import { projectTestConfig } from '../workspace/vitest.shared.mjs';

// The loop suites start real processes and train small models: one file at a time on 2 cores.
export default defineConfig(projectTestConfig({ testTimeout: 300_000, fileParallelism: false }));
