import { defineConfig } from 'vitest/config';
import { projectTestConfig } from '../tools/workspace/vitest.shared.mjs';

// The first run may install kustomize with `go install` (about a minute): a generous timeout.
export default defineConfig(projectTestConfig({ testTimeout: 180_000 }));
