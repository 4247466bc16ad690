// The two scripts the images run: assemble-image.js (image contents) and healthcheck.js (HEALTHCHECK
// and the TLS exec probe), against a real gRPC health server on loopback.
import { execFile } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Server, ServerCredentials } from '@grpc/grpc-js';
import { HealthImplementation } from 'grpc-health-check';
import { afterAll, describe, expect, it } from 'vitest';

const docker = join(__dirname, '..', 'docker');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { assemble } = require(join(docker, 'assemble-image.js')) as { assemble(workspace: string, pruned: string, built: string, out: string): string[] };

describe('assemble-image.js', () => {
  const root = mkdtempSync(join(tmpdir(), 'aisle-assemble-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const write = (path: string, text = '') => {
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, text);
  };
  const pruned = join(root, 'pruned');
  const built = join(root, 'built');
  // What `npm ci --omit=dev --workspace services/ranker` leaves, and what nx built.
  write(join(pruned, 'package.json'), '{}');
  write(join(pruned, 'node_modules/pino/index.js'));
  for (const workspace of ['services/ranker', 'libs/contracts']) {
    write(join(pruned, workspace, 'package.json'), '{}');
    mkdirSync(join(pruned, 'node_modules/@aisle'), { recursive: true });
    symlinkSync(join('..', '..', workspace), join(pruned, 'node_modules/@aisle', workspace.split('/')[1]));
    write(join(built, workspace, 'dist/index.js'));
    write(join(built, workspace, 'src/index.ts'));
  }
  write(join(built, 'libs/contracts/descriptors/aisle.binpb'));
  write(join(built, 'services/ranker/blend/learned.json'));
  write(join(built, 'services/feature-service/dist/main.js'));

  it('copies the linked packages, their dist and runtime assets, and no sources', () => {
    const out = join(root, 'app');
    expect(assemble('services/ranker', pruned, built, out).sort()).toEqual(['libs/contracts', 'services/ranker']);
    for (const path of ['node_modules/pino/index.js', 'services/ranker/dist/index.js', 'services/ranker/blend/learned.json', 'libs/contracts/descriptors/aisle.binpb']) expect(existsSync(join(out, path)), path).toBe(true);
    for (const path of ['services/ranker/src', 'services/feature-service']) expect(existsSync(join(out, path)), path).toBe(false);
    expect(lstatSync(join(out, 'node_modules/@aisle/contracts')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(out, 'node_modules/@aisle/contracts'))).toBe(join('..', '..', 'libs/contracts'));
  });

  it('refuses a workspace that was not installed', () => {
    expect(() => assemble('services/feature-service', pruned, built, join(root, 'other'))).toThrow(/not linked/);
  });

  it("puts the services the pipeline runs into the pipeline's image, and refuses two in a service's", () => {
    // What `npm ci --omit=dev --workspace tools/pipeline` leaves: the pipeline and the services it names.
    const tree = join(root, 'pruned-pipeline');
    write(join(tree, 'package.json'), '{}');
    mkdirSync(join(tree, 'node_modules/@aisle'), { recursive: true });
    for (const workspace of ['tools/pipeline', 'services/ranker', 'services/feature-service']) {
      write(join(tree, workspace, 'package.json'), '{}');
      symlinkSync(join('..', '..', workspace), join(tree, 'node_modules/@aisle', workspace.split('/')[1]));
      write(join(built, workspace, 'dist/main.js'));
    }
    const out = join(root, 'pipeline-app');
    expect(assemble('tools/pipeline', tree, built, out).sort()).toEqual(['services/feature-service', 'services/ranker', 'tools/pipeline']);
    for (const path of ['tools/pipeline/dist/main.js', 'services/ranker/dist/main.js', 'services/feature-service/dist/main.js']) expect(existsSync(join(out, path)), path).toBe(true);
    expect(() => assemble('services/ranker', tree, built, join(root, 'ranker-app'))).toThrow(/one service per image/);
  });
});

describe('healthcheck.js', () => {
  const health = new HealthImplementation({ '': 'SERVING' });
  const server = new Server();
  health.addToServer(server);
  const port = new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))));
  afterAll(() => server.forceShutdown());

  const check = async (...args: string[]) => {
    try {
      await promisify(execFile)(process.execPath, [join(docker, 'healthcheck.js'), ...args], { env: { ...process.env, AISLE_TLS_CERT_FILE: '' } });
      return 0;
    } catch (error) {
      return (error as { code: number }).code;
    }
  };

  it('exits 0 while the server is SERVING and 1 once it is not', async () => {
    expect(await check('--port', String(await port))).toBe(0);
    health.setStatus('', 'NOT_SERVING');
    expect(await check('--port', String(await port))).toBe(1);
    health.setStatus('', 'SERVING');
  });

  it('follows the port variable and fails where nothing listens', async () => {
    expect(await check('--port', '1', '--port-env', 'AISLE_TEST_PORT')).toBe(1);
    expect(await promisify(execFile)(process.execPath, [join(docker, 'healthcheck.js'), '--port', '1', '--port-env', 'AISLE_TEST_PORT'], { env: { ...process.env, AISLE_TEST_PORT: String(await port) } }).then(() => 0)).toBe(0);
  });
});
