import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SERVICE_NAMES } from './services';
import { undeclaredWorkspaceImports } from './workspace-deps';

const root = join(__dirname, '..', '..');

// The pipeline's image carries the four services it runs (tools/pipeline/Dockerfile).
describe.each([...SERVICE_NAMES, 'pipeline'])('%s image', (service) => {
  it('declares every workspace lib its compiled sources import', () => {
    expect(undeclaredWorkspaceImports(root, service)).toEqual([]);
  });
});

describe('undeclaredWorkspaceImports', () => {
  const fake = mkdtempSync(join(tmpdir(), 'aisle-deps-'));
  afterAll(() => rmSync(fake, { recursive: true, force: true }));

  it('finds an import the package.json does not declare, through the libs', () => {
    const write = (path: string, text: string) => {
      mkdirSync(join(fake, path, '..'), { recursive: true });
      writeFileSync(join(fake, path), text);
    };
    write('services/api/package.json', JSON.stringify({ name: '@aisle/api', dependencies: { '@aisle/kit': '*' } }));
    write('services/api/src/main.ts', "import { kit } from '@aisle/kit';\nimport { registry } from '@aisle/registry';\n");
    write('services/api/src/main.test.ts', "import { fake } from '@aisle/fakes';\n");
    write('libs/kit/package.json', JSON.stringify({ name: '@aisle/kit' }));
    write('libs/kit/src/index.ts', "export * from '@aisle/config';\n");
    write('libs/registry/package.json', JSON.stringify({ name: '@aisle/registry' }));
    write('libs/config/package.json', JSON.stringify({ name: '@aisle/config' }));
    expect(undeclaredWorkspaceImports(fake, 'api')).toEqual([
      'services/api/src/main.ts: imports @aisle/registry, which services/api/package.json does not reach',
      'libs/kit/src/index.ts: imports @aisle/config, which services/api/package.json does not reach',
    ]);
  });
});
