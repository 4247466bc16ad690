import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkDockerfile } from './dockerfile';
import { SERVICE_NAMES, SERVICES } from './services';

const root = join(__dirname, '..', '..');
const dockerfile = (name: string) => readFileSync(join(root, 'services', name, 'Dockerfile'), 'utf8');

describe.each(SERVICES)('services/$name/Dockerfile', (service) => {
  it('is multi-stage, non-root, health-checked and holds this service only', () => {
    expect(checkDockerfile(dockerfile(service.name), service, SERVICE_NAMES)).toEqual([]);
  });
});

describe('checkDockerfile catches', () => {
  const ranker = SERVICES[0];
  const text = dockerfile('ranker');

  it.each([
    ['a root runtime', text.replace('USER 1000:1000', 'USER root'), 'the runtime stage must end with a numeric non-root USER'],
    ['no health check', text.replace(/HEALTHCHECK[^\n]*\\\n[^\n]*\n/, ''), 'HEALTHCHECK on port 50051 missing'],
    ['a single stage', 'FROM node:20-bookworm-slim\nCOPY . .\nUSER 1000\nCMD ["node", "services/ranker/dist/main.js"]\n', 'must be multi-stage'],
    ['a large base', text.replace('node:20-bookworm-slim', 'node:20'), 'base image node:20 is not node:20-bookworm-slim'],
    ['a second service', text.replace('CMD ["node", "services/ranker/dist/main.js"]', 'CMD ["node", "services/ranker/dist/main.js"]\n# also services/feature-service'), 'names another service (feature-service)'],
    ['the whole context in the runtime', text.replace('COPY --from=production /app ./', 'COPY . ./'), 'the runtime stage copies only from build stages'],
    ['all dependencies', text.replace('--omit=dev ', ''), 'production dependencies must be installed for this workspace only'],
  ])('%s', (_, broken, violation) => {
    expect(checkDockerfile(broken, ranker, SERVICE_NAMES).join('\n')).toContain(violation);
  });
});
