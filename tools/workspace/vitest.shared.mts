// Shared vitest settings: workspace libs resolve to their TypeScript sources, so tests never run
// against a stale build of a library they depend on.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ViteUserConfig } from 'vitest/config';

const root = fileURLToPath(new URL('../..', import.meta.url));
const libs = readdirSync(join(root, 'libs'));

export function projectTestConfig(overrides: { testTimeout?: number; fileParallelism?: boolean } = {}): ViteUserConfig {
  return {
    resolve: {
      alias: [
        { find: /^@aisle\/([a-z-]+)\/testing\/([a-z-]+)$/, replacement: join(root, 'libs/$1/src/testing/$2.ts') },
        { find: /^@aisle\/([a-z-]+)\/testing$/, replacement: join(root, 'libs/$1/src/testing/index.ts') },
        ...libs.map((lib) => ({ find: new RegExp(`^@aisle/${lib}$`), replacement: join(root, 'libs', lib, 'src/index.ts') })),
      ],
    },
    test: {
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      environment: 'node',
      pool: 'forks',
      testTimeout: overrides.testTimeout ?? 30_000,
      hookTimeout: 180_000,
      fileParallelism: overrides.fileParallelism ?? true,
      reporters: ['default'],
    },
  };
}
