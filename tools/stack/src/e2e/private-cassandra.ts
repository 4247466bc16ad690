// A Cassandra node of a test's own, started with tools/cassandra on free ports in a temporary folder,
// for tests that restart, freeze or slow the database: the shared node other suites use is never touched.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const script = join(__dirname, '..', '..', '..', 'cassandra', 'cassandra.sh');

export interface PrivateCassandra {
  contactPoint: string;
  /** Stops the node cleanly and starts it again; resolves when it answers queries. */
  restart(): Promise<void>;
  /** The JVM's process id (for SIGSTOP/SIGCONT). */
  pid(): number;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address ? address.port : 0;
}

export async function startPrivateCassandra(): Promise<PrivateCassandra> {
  const home = mkdtempSync(join(tmpdir(), 'aisle-cassandra-'));
  const env = {
    ...process.env,
    AISLE_CASSANDRA_HOME: home,
    AISLE_CASSANDRA_PORT: String(await freePort()),
    AISLE_CASSANDRA_STORAGE_PORT: String(await freePort()),
    AISLE_CASSANDRA_HEAP: '768m',
  };
  const run = (command: string) =>
    new Promise<void>((resolve, reject) => {
      const child = spawn('bash', [script, command], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.on('data', (chunk) => (output += chunk));
      child.stderr.on('data', (chunk) => (output += chunk));
      child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`cassandra.sh ${command} exited with ${code}:\n${output}`))));
    });
  await run('start');
  return {
    contactPoint: `127.0.0.1:${env.AISLE_CASSANDRA_PORT}`,
    restart: () => run('restart'),
    pid: () => Number(readFileSync(join(home, 'cassandra.pid'), 'utf8').trim()),
    stop: async () => {
      await run('stop');
      rmSync(home, { recursive: true, force: true });
    },
  };
}
