import { defineConfig } from 'vitest/config';
import { projectTestConfig } from '../workspace/vitest.shared.mjs';

export default defineConfig(projectTestConfig({ testTimeout: 120_000 }));
