import { defineConfig } from 'vitest/config';
import { projectTestConfig } from '../../tools/workspace/vitest.shared.mjs';

export default defineConfig(projectTestConfig());
