import { defineConfig } from 'vitest/config';
import { projectTestConfig } from '../workspace/vitest.shared.mjs';

// Unit tests of the pure parts only (no stack is started): fast, in parallel.
export default defineConfig(projectTestConfig());
