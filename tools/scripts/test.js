#!/usr/bin/env node
// `npm test`: every project's tests through nx (which builds what they need first), with the real
// Cassandra node from tools/cassandra for the Cassandra suites.
//
// Cassandra: AISLE_CASSANDRA_CONTACT_POINTS set → used as is. Otherwise, where Java 17 and Maven
// are present, the local node is started (or reused) on AISLE_CASSANDRA_PORT (9042). Otherwise the
// Cassandra suites are skipped, and this says so; with CI=true or AISLE_REQUIRE_CASSANDRA=1 a missing
// node fails the run instead.
//
// Docker: where an engine answers (or tools/docker/engine.sh can start an installed one), the image
// suite builds and runs the services' images (AISLE_DOCKER names the client it builds with).
// Otherwise that suite is skipped, and this says so; with CI=true or AISLE_REQUIRE_DOCKER=1 a missing
// engine fails the run instead.
'use strict';
const { spawnSync } = require('node:child_process');
const { existsSync, readFileSync, readdirSync } = require('node:fs');
const { join, relative } = require('node:path');

const root = join(__dirname, '..', '..');
const required = process.env.CI === 'true' || process.env.AISLE_REQUIRE_CASSANDRA === '1';
const env = { ...process.env };

function have(command, args) {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  return result.status === 0 ? `${result.stdout}${result.stderr}` : undefined;
}

function prepareCassandra() {
  if (env.AISLE_CASSANDRA_CONTACT_POINTS) return `using Cassandra at ${env.AISLE_CASSANDRA_CONTACT_POINTS}`;
  const java = have('bash', [join(root, 'tools/cassandra/cassandra.sh'), 'java']);
  const maven = have('mvn', ['-v']);
  if (!java || !maven) {
    const why = `Cassandra suites SKIPPED: ${!java ? 'no Java 17' : 'no Maven'} found. Install OpenJDK 17 and Maven (npm test then starts tools/cassandra), or set AISLE_CASSANDRA_CONTACT_POINTS=host:port.`;
    if (required) {
      console.error(`${why}\nCI=true / AISLE_REQUIRE_CASSANDRA=1: failing instead of skipping.`);
      process.exit(1);
    }
    return why;
  }
  const started = spawnSync('bash', [join(root, 'tools/cassandra/cassandra.sh'), 'start'], { stdio: 'inherit', env });
  if (started.status !== 0) {
    console.error('Could not start the local Cassandra node (see above).');
    process.exit(1);
  }
  env.AISLE_CASSANDRA_CONTACT_POINTS = `127.0.0.1:${env.AISLE_CASSANDRA_PORT || 9042}`;
  return `using the local Cassandra node at ${env.AISLE_CASSANDRA_CONTACT_POINTS} (stop it with: npm run cassandra -- stop)`;
}

function prepareDocker() {
  const requiredDocker = process.env.CI === 'true' || process.env.AISLE_REQUIRE_DOCKER === '1';
  const engine = join(root, 'tools/docker/engine.sh');
  const skip = (why) => {
    const note = `Image suite SKIPPED: ${why}. Install a Docker engine (as root: bash tools/docker/engine.sh install), or start yours.`;
    if (requiredDocker) {
      console.error(`${note}\nCI=true / AISLE_REQUIRE_DOCKER=1: failing instead of skipping.`);
      process.exit(1);
    }
    return note;
  };
  const started = spawnSync('bash', [engine, 'start'], { encoding: 'utf8', env });
  if (started.status !== 0) return skip(`no Docker engine (${(started.stderr || started.stdout).trim().split('\n').pop()})`);
  const client = spawnSync('bash', [engine, 'client'], { encoding: 'utf8', env });
  if (client.status !== 0) return skip(client.stderr.trim());
  env.AISLE_DOCKER = client.stdout.trim();
  return `using the Docker engine through ${env.AISLE_DOCKER} (${started.stdout.trim()})`;
}

const cassandraNote = prepareCassandra();
if (required) env.AISLE_REQUIRE_CASSANDRA = '1';
console.log(`\n${cassandraNote}\n`);
const dockerNote = prepareDocker();
console.log(`${dockerNote}\n`);

const args = ['nx', 'run-many', '-t', 'test', '--output-style=static', ...process.argv.slice(2)];
const run = spawnSync('npx', args, { cwd: root, stdio: 'inherit', env });

// Sum the vitest JSON reports of every project into one closing line.
let passed = 0;
let failed = 0;
let skipped = 0;
let failedSuites = 0;
const failures = [];
const firstLine = (message) => String(message ?? '').split('\n').find((line) => line.trim() !== '')?.trim().slice(0, 300) ?? '';
// Projects live in libs/*, services/*, tools/* and deploy/.
const projectDirs = ['libs', 'services', 'tools'].flatMap((group) => readdirSync(join(root, group)).map((project) => join(root, group, project)));
for (const dir of [...projectDirs, join(root, 'deploy')]) {
  const report = join(dir, '.vitest-result.json');
  if (!existsSync(report)) continue;
  const result = JSON.parse(readFileSync(report, 'utf8'));
  passed += result.numPassedTests;
  failed += result.numFailedTests;
  skipped += result.numPendingTests + result.numTodoTests;
  // A file whose beforeAll fails counts its tests as skipped, not failed: count failed suites too
  // (vitest's suites are files and describe blocks).
  failedSuites += result.numFailedTestSuites;
  for (const file of result.testResults ?? []) {
    const where = relative(root, file.name);
    const tests = (file.assertionResults ?? []).filter((test) => test.status === 'failed');
    for (const test of tests) failures.push(`${where} > ${test.fullName}: ${firstLine(test.failureMessages?.[0])}`);
    // A file can fail outside its tests (an import, a beforeAll); vitest's report then may carry no message.
    if (file.status === 'failed' && (file.message || tests.length === 0)) failures.push(`${where}: ${file.message ? firstLine(file.message) : 'failed outside its tests (a hook or an import: see its output above)'}`);
  }
}
console.log(`\n${cassandraNote}\n${dockerNote}`);
// The names of what failed, last: a CI log is often read from its end.
if (failures.length > 0) console.log(`Failed:\n${failures.map((failure) => `  ${failure}`).join('\n')}`);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped${failedSuites > 0 ? `; ${failedSuites} failed suite(s) (files or describe blocks)` : ''}`);
process.exit(run.status === 0 && failed === 0 && failedSuites === 0 ? 0 : 1);
