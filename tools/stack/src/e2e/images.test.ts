// The four services as the images their Dockerfiles build, on a Docker engine: each image (and the
// training pipeline's) is built from the monorepo, checked for what it holds, and run the way the
// Kubernetes manifests run it (the base ConfigMaps' variables, uid 1000, a read-only root with /tmp
// only, no capabilities), on one network where the services find each other by the names the
// manifests give them. The store lives on a volume, survives a restart of its container, and the
// ranker answers a real Rank.
// Needs an engine: `npm test` sets AISLE_DOCKER when one answers (tools/docker/engine.sh; CI starts
// one), else this suite is skipped and says so.
import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describeCassandra, uniqueKeyspace } from '@aisle/config/testing';
import { features } from '@aisle/contracts';
import { checkHealth, createClient, unaryCall } from '@aisle/grpc-kit';
import { Client } from 'cassandra-driver';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareStack, PROBE_USER } from '../prepare';
import { expectWellFormed, rank, STATE, stateOf } from './rank-flow';
import { SMALL_TRAINING, TEST_RANKER_ENV } from './settings';

const root = join(__dirname, '..', '..', '..', '..');
const docker = process.env.AISLE_DOCKER ?? '';
const run = promisify(execFile);

const SERVICES = [
  { name: 'feature-service', port: 50052 },
  { name: 'copurchase-model-service', port: 50053 },
  { name: 'affinity-model-service', port: 50054 },
  { name: 'ranker', port: 50051 },
] as const;
type ServiceName = (typeof SERVICES)[number]['name'];

/** How the manifests run every container: uid 1000, a read-only root with /tmp alone writable, no capabilities. */
const AS_IN_THE_MANIFESTS = ['--user', '1000:1000', '--read-only', '--tmpfs', '/tmp', '--cap-drop', 'ALL', '--security-opt', 'no-new-privileges'];

/** Dataset records in the store (December 2010 to late February 2011): enough weeks for a pipeline run's windows. */
const IMAGE_SLICE = 100_000;

/** Where each image's package and Dockerfile are: a service's, or the training pipeline's. */
const projectDir = (name: string) => (name === 'pipeline' ? join(root, 'tools', 'pipeline') : join(root, 'services', name));
const version = (name: string): string => JSON.parse(readFileSync(join(projectDir(name), 'package.json'), 'utf8')).version;
/** The tag the manifests deploy (deploy/src/rules.ts checks `aisle/<service>:<version>`). */
const imageOf = (name: string) => `aisle/${name}:${version(name)}`;

async function dockerRun(args: string[], timeoutMs = 120_000): Promise<string> {
  try {
    const { stdout } = await run(docker, args, { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, DOCKER_BUILDKIT: '1' } });
    return stdout.trim();
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    const tail = `${stdout ?? ''}\n${stderr ?? ''}`.trim().split('\n').slice(-30).join('\n');
    throw new Error(`docker ${args.slice(0, 3).join(' ')} ... failed:\n${tail}`);
  }
}

/** The CA bundle this machine trusts, handed to the builds' npm (a TLS-inspecting proxy's CA among them). */
function buildCa(): string | undefined {
  for (const file of [process.env.AISLE_BUILD_CA_FILE, process.env.NODE_EXTRA_CA_CERTS, '/etc/ssl/certs/ca-certificates.crt']) {
    if (!file) continue;
    try {
      if (readFileSync(file).length > 0) return file;
    } catch {
      // not there: try the next
    }
  }
  return undefined;
}

/** Base image: the official one when the engine has it, else the local stand-in (deploy/docker/node-base.sh). */
async function baseImage(): Promise<string> {
  const official = 'node:20-bookworm-slim';
  try {
    await dockerRun(['image', 'inspect', official]);
    return official;
  } catch {
    try {
      await dockerRun(['pull', official], 300_000);
      return official;
    } catch {
      const local = 'aisle-local/node:20-bookworm-slim';
      execFileSync('bash', [join(root, 'deploy/docker/node-base.sh'), local], { stdio: 'inherit', timeout: 600_000 });
      return local;
    }
  }
}

async function buildImage(service: string, base: string): Promise<void> {
  const ca = buildCa();
  await dockerRun(
    ['build', '--progress=plain', '-f', join(projectDir(service), 'Dockerfile'), '--build-arg', `NODE_IMAGE=${base}`, ...(ca ? ['--secret', `id=build-ca,src=${ca}`] : []), '-t', imageOf(service), root],
    1_200_000,
  );
}

/** `docker run` arguments setting each variable. */
const envArgs = (env: Record<string, string>) => Object.entries(env).flatMap(([key, value]) => ['--env', `${key}=${value}`]);

/** Waits until the server at `address` answers SERVING, or fails with the last lines of its container's log. */
async function untilServing(address: string, name: string, timeoutMs = 180_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while ((await checkHealth(address).catch(() => 'DOWN')) !== 'SERVING') {
    if (Date.now() > until) throw new Error(`${name} not SERVING after ${timeoutMs} ms:\n${await dockerRun(['logs', '--tail', '20', name]).catch(String)}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** KEY=value lines of a ConfigMap's env file, comments and blanks left out. */
function envFile(service: string): Record<string, string> {
  const lines = readFileSync(join(root, 'deploy/k8s/base', service, 'config.env'), 'utf8').split('\n');
  return Object.fromEntries(lines.filter((line) => /^[A-Z_]+=/.test(line)).map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
}

describe.skipIf(!docker)('the services as images, on a Docker engine', () => {
  const suffix = `${process.pid}-${Date.now().toString(36)}`;
  const network = `aisle-images-${suffix}`;
  const container = (service: ServiceName) => `aisle-${service}-${suffix}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'aisle-images-'));
  const started: string[] = [];
  let rankerAddress = '';

  /** Runs `service`'s image as the manifests do: ConfigMap variables, hardened, under its Service's name. */
  async function start(service: ServiceName, extraEnv: Record<string, string> = {}, extraArgs: string[] = []): Promise<void> {
    const env = { ...envFile(service), ...extraEnv };
    const port = SERVICES.find((entry) => entry.name === service)!.port;
    started.push(container(service));
    await dockerRun([
      'run', '--detach', '--name', container(service), '--network', network, '--network-alias', service,
      ...AS_IN_THE_MANIFESTS,
      '--publish', `127.0.0.1::${port}`,
      ...envArgs(env),
      ...extraArgs, imageOf(service),
    ]);
  }

  async function published(service: ServiceName): Promise<string> {
    const port = SERVICES.find((entry) => entry.name === service)!.port;
    return (await dockerRun(['port', container(service), String(port)])).split('\n')[0]!;
  }

  async function serving(service: ServiceName): Promise<string> {
    const address = await published(service);
    await untilServing(address, container(service));
    return address;
  }

  const logs = (service: ServiceName) => dockerRun(['logs', '--tail', '20', container(service)]).catch((error) => String(error));

  beforeAll(async () => {
    const base = await baseImage();
    for (const { name } of SERVICES) await buildImage(name, base);
    await buildImage('pipeline', base);
    await dockerRun(['network', 'create', network]);
    // The SQLite file's volume, writable by the image's uid as a PVC with fsGroup 1000 is.
    chownSync(dataDir, 1000, 1000);
    chmodSync(dataDir, 0o750);
    const store = { AISLE_STORE: 'sqlite', AISLE_SQLITE_PATH: '/data/aisle.db' };
    await start('feature-service', store, ['--volume', `${dataDir}:/data`]);
    const featuresAddress = await serving('feature-service');
    // The dataset slice through Ingest on the published port, then small models trained and
    // registered into the store on the volume (the train commands open the store itself, as the
    // pipeline does), as `npm start` prepares its own store.
    const trainEnv = { ...process.env, AISLE_FEATURES_ADDRESS: featuresAddress, AISLE_STORE: 'sqlite', AISLE_SQLITE_PATH: join(dataDir, 'aisle.db') };
    await prepareStack({ featuresAddress, env: trainEnv, limit: IMAGE_SLICE, trainArgs: SMALL_TRAINING });
    // A restart: the store is the volume's, and popularity is computed from it at start-up.
    await dockerRun(['restart', container('feature-service')]);
    await serving('feature-service');
    await start('copurchase-model-service');
    await start('affinity-model-service');
    await start('ranker', TEST_RANKER_ENV);
    await Promise.all(['copurchase-model-service', 'affinity-model-service'].map((service) => serving(service as ServiceName)));
    rankerAddress = await serving('ranker');
  }, 2_400_000);

  afterAll(async () => {
    if (started.length > 0) await dockerRun(['rm', '--force', '--volumes', ...started]).catch(() => undefined);
    await dockerRun(['network', 'rm', network]).catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  }, 120_000);

  it.each(SERVICES.map(({ name, port }) => [name, port] as const))('%s: uid 1000, its port, a HEALTHCHECK, only its own service and no npm', async (service, port) => {
    const config = JSON.parse(await dockerRun(['image', 'inspect', '--format', '{{json .Config}}', imageOf(service)]));
    expect(config.User).toBe('1000:1000');
    expect(Object.keys(config.ExposedPorts ?? {})).toEqual([`${port}/tcp`]);
    expect(config.Healthcheck?.Test?.join(' ')).toContain('healthcheck.js');
    expect(config.Cmd).toEqual(['node', `services/${service}/dist/main.js`]);
    const inside = await dockerRun(['run', '--rm', '--entrypoint', 'sh', imageOf(service), '-c', 'ls /app/services; ls /app/node_modules/@aisle; command -v npm npx yarn corepack || echo none']);
    const [services, ...rest] = inside.split('\n');
    expect(services).toBe(service);
    expect(rest.at(-1)).toBe('none');
    // No other service's code, through the workspace links either.
    expect(rest.slice(0, -1).filter((entry) => entry !== service && SERVICES.some(({ name }) => name === entry))).toEqual([]);
    const bytes = Number(await dockerRun(['image', 'inspect', '--format', '{{.Size}}', imageOf(service)]));
    console.log(`${imageOf(service)}: ${(bytes / 1e6).toFixed(0)} MB`);
  });

  it('serves a real Rank from the images, every source answering, with the models the registry promoted', async () => {
    const response = await rank(rankerAddress, { userId: PROBE_USER, k: 10, context: { country: 'United Kingdom', timeUnixMs: 0 } }, 30_000);
    expectWellFormed(response, 10);
    expect(response.coldStart).toBe(false);
    for (const source of ['features', 'copurchase', 'popular', 'affinity', 'catalog']) expect(stateOf(response, source), source).toBe(STATE.SOURCE_STATE_OK);
    expect(response.models.map((model) => model.model).sort()).toEqual(['affinity', 'blend', 'copurchase']);
    expect(response.models.every((model) => model.version !== '')).toBe(true);
  });

  it("the pipeline's image holds the four services it runs and reads the registry from the store's volume", async () => {
    const config = JSON.parse(await dockerRun(['image', 'inspect', '--format', '{{json .Config}}', imageOf('pipeline')]));
    expect(config.User).toBe('1000:1000');
    expect(config.Cmd).toEqual(['node', 'tools/pipeline/dist/main.js', 'run', '--dir', '/tmp/pipeline']);
    const inside = await dockerRun(['run', '--rm', '--entrypoint', 'sh', imageOf('pipeline'), '-c', 'ls /app/services; ls /app/services/*/dist/train.js; command -v npm || echo none']);
    expect(inside.split('\n')).toEqual([
      ...SERVICES.map(({ name }) => name).sort(),
      '/app/services/affinity-model-service/dist/train.js',
      '/app/services/copurchase-model-service/dist/train.js',
      'none',
    ]);
    // As the CronJob runs it, on the store the feature service serves (the volume, open in that container too).
    const served = await rank(rankerAddress, { userId: PROBE_USER, k: 5 }, 30_000);
    const listed = await dockerRun([
      'run', '--rm', '--network', network, ...AS_IN_THE_MANIFESTS,
      '--volume', `${dataDir}:/data`, '--env', 'AISLE_STORE=sqlite', '--env', 'AISLE_SQLITE_PATH=/data/aisle.db',
      imageOf('pipeline'), 'node', 'tools/pipeline/dist/main.js', 'registry', 'list', 'copurchase', '--direct',
    ]);
    const production = listed.split('\n').find((line) => /\sproduction\s/.test(line));
    expect(production?.split(/\s+/)[0]).toBe(served.models.find((model) => model.model === 'copurchase')?.version);
  });

  it("each image's own HEALTHCHECK reports the container healthy", async () => {
    const until = Date.now() + 120_000;
    for (const { name } of SERVICES) {
      for (;;) {
        const health = await dockerRun(['inspect', '--format', '{{.State.Health.Status}}', container(name)]);
        if (health === 'healthy') break;
        if (health === 'unhealthy' || Date.now() > until) throw new Error(`${name}: ${health}\n${await logs(name)}`);
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  }, 180_000);

  it("the pipeline's image runs the CronJob's job: snapshot, training, evaluation in its own services, registration", async () => {
    // The CronJob's command with small models and windows that fit the slice (six weeks to train on
    // before three of validation and three of test), and --no-promote, so the stack above keeps its
    // production models. About a minute on 2 cores.
    const small = ['--test-days', '21', '--validation-days', '21', '--epochs', '1', '--jobs', '2', '--concurrency', '4', '--copurchase-args=--dim 8', '--affinity-args=--rounds 5 --windows 1'];
    const output = await dockerRun(
      [
        'run', '--rm', ...AS_IN_THE_MANIFESTS,
        '--volume', `${dataDir}:/data`, '--env', 'AISLE_STORE=sqlite', '--env', 'AISLE_SQLITE_PATH=/data/aisle.db',
        imageOf('pipeline'), 'node', 'tools/pipeline/dist/main.js', 'run', '--dir', '/tmp/pipeline', ...small, '--no-promote', '--promoted-by', 'image suite',
      ],
      900_000,
    );
    expect(output).toMatch(/report: \/tmp\/pipeline\/runs\/[^/\s]+\/report\.md/);
    const listed = await dockerRun([
      'run', '--rm', ...AS_IN_THE_MANIFESTS, '--volume', `${dataDir}:/data`, '--env', 'AISLE_STORE=sqlite', '--env', 'AISLE_SQLITE_PATH=/data/aisle.db',
      imageOf('pipeline'), 'node', 'tools/pipeline/dist/main.js', 'registry', 'list', 'blend', '--direct',
    ]);
    // Only the pipeline registers blends (the stack started on the shipped one): this run's, a
    // candidate (not promoted), with the full ranker's figures from its evaluation.
    const candidates = listed.split('\n').filter((line) => /^\S+\s+candidate\s/.test(line));
    expect(candidates).toHaveLength(1);
    expect(candidates[0]).toMatch(/ranker NDCG@10 all 0\.\d{4} new 0\.\d{4}/);
  }, 960_000);
});

// The production store: the feature service's image on the real Cassandra node the Cassandra suites
// use (on the host's loopback, so the container shares the host's network), with the cassandra
// component's settings for one node. Data goes in through Ingest and comes back from Cassandra.
describe.skipIf(!docker)('the feature service image on Cassandra', () => {
  describeCassandra('on a Docker engine', (target) => {
    const keyspace = uniqueKeyspace('images');
    const name = `aisle-feature-service-cassandra-${process.pid}-${Date.now().toString(36)}`;
    let address = '';

    beforeAll(async () => {
      // The image was built by the suite above (files run one at a time, describe blocks in order).
      const probe = createServer();
      await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
      const port = (probe.address() as { port: number }).port;
      await new Promise<void>((resolve) => probe.close(() => resolve()));
      const env = {
        ...envFile('feature-service'),
        AISLE_BIND_HOST: '127.0.0.1',
        AISLE_FEATURES_PORT: String(port),
        AISLE_METRICS_PORT: '0',
        AISLE_STORE: 'cassandra',
        AISLE_CASSANDRA_CONTACT_POINTS: target.contactPoints.join(','),
        AISLE_CASSANDRA_DATACENTER: target.localDataCenter,
        AISLE_CASSANDRA_KEYSPACE: keyspace,
      };
      await dockerRun([
        'run', '--detach', '--name', name, '--network', 'host',
        ...AS_IN_THE_MANIFESTS,
        ...envArgs(env),
        imageOf('feature-service'),
      ]);
      address = `127.0.0.1:${port}`;
      await untilServing(address, name);
      execFileSync(process.execPath, ['--import', 'tsx', join(root, 'tools/load-dataset/src/main.ts'), '--address', address, '--limit', '5000'], { cwd: root, stdio: 'inherit', timeout: 300_000 });
    }, 600_000);

    afterAll(async () => {
      await dockerRun(['rm', '--force', name]).catch(() => undefined);
      const client = new Client({ contactPoints: target.contactPoints, localDataCenter: target.localDataCenter });
      await client.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`);
      await client.shutdown();
    }, 120_000);

    it('serves from Cassandra what Ingest wrote there', async () => {
      const client = createClient(features.FeatureServiceClient, address, { service: 'aisle.features.v1.FeatureService' });
      try {
        const context = await unaryCall(client, client.getUserContext, { userId: PROBE_USER, recentLimit: 5 }, { deadline: Date.now() + 10_000 });
        expect(context.known).toBe(true);
        expect(context.recent.length).toBeGreaterThan(0);
      } finally {
        client.close();
      }
      const cql = new Client({ contactPoints: target.contactPoints, localDataCenter: target.localDataCenter });
      try {
        const tables = await cql.execute('SELECT table_name FROM system_schema.tables WHERE keyspace_name = ?', [keyspace], { prepare: true });
        expect(tables.rows.length).toBeGreaterThan(0);
      } finally {
        await cql.shutdown();
      }
    });
  });
});
