#!/usr/bin/env node
// Puts together the runtime tree of one service image, in a Dockerfile stage:
//
//   node assemble-image.js <workspace> <pruned-root> <built-root> <out>
//
// <pruned-root> holds the manifests and `npm ci --omit=dev --workspace <workspace>`: npm followed the
// service's package.json into exactly the libs and packages it needs and linked each workspace package
// under node_modules/@aisle. <built-root> is the repository after `nx run <service>:build`. <out> gets
// that node_modules and, for each linked workspace package, its package.json, dist/, nested
// node_modules and runtime assets: no sources, tests, other services or dev dependencies.
// Plain Node with no dependencies: it runs before anything of the image is installed.
'use strict';
const { cpSync, existsSync, mkdirSync, readdirSync, realpathSync } = require('node:fs');
const { join, relative } = require('node:path');

/** Files a package reads at run time besides dist/ (paths relative to the package). @type {Record<string, string[]>} */
const RUNTIME_ASSETS = {
  'libs/contracts': ['descriptors'],
  'services/ranker': ['blend'],
};

/** Repository-relative paths of the workspace packages linked under node_modules/@aisle. @param {string} prunedRoot */
function linkedWorkspaces(prunedRoot) {
  const scope = join(prunedRoot, 'node_modules', '@aisle');
  if (!existsSync(scope)) return [];
  return readdirSync(scope).map((name) => relative(realpathSync(prunedRoot), realpathSync(join(scope, name))));
}

/**
 * @param {string} workspace e.g. services/ranker
 * @param {string} prunedRoot
 * @param {string} builtRoot
 * @param {string} out
 * @returns {string[]} the workspace packages copied
 */
function assemble(workspace, prunedRoot, builtRoot, out) {
  const workspaces = linkedWorkspaces(prunedRoot);
  if (!workspaces.includes(workspace)) {
    throw new Error(`${workspace} is not linked in ${prunedRoot}/node_modules/@aisle: run npm ci --workspace ${workspace} there first`);
  }
  // A service's image holds that service alone; the pipeline's holds the four services it runs.
  const services = workspaces.filter((path) => path.startsWith('services/'));
  if (workspace.startsWith('services/') && services.length !== 1) throw new Error(`one service per image, found: ${services.join(', ')}`);

  mkdirSync(out, { recursive: true });
  // verbatimSymlinks keeps node_modules/@aisle/<lib> -> ../../libs/<lib> relative, so it resolves in <out>.
  cpSync(join(prunedRoot, 'node_modules'), join(out, 'node_modules'), { recursive: true, verbatimSymlinks: true });
  cpSync(join(prunedRoot, 'package.json'), join(out, 'package.json'));
  for (const path of workspaces) {
    const dist = join(builtRoot, path, 'dist');
    if (!existsSync(dist)) throw new Error(`${path}/dist is missing: build the service with nx first`);
    cpSync(join(prunedRoot, path, 'package.json'), join(out, path, 'package.json'));
    cpSync(dist, join(out, path, 'dist'), { recursive: true });
    const nested = join(prunedRoot, path, 'node_modules');
    if (existsSync(nested)) cpSync(nested, join(out, path, 'node_modules'), { recursive: true, verbatimSymlinks: true });
    for (const asset of RUNTIME_ASSETS[path] ?? []) cpSync(join(builtRoot, path, asset), join(out, path, asset), { recursive: true });
  }
  return workspaces;
}

if (require.main === module) {
  const [workspace, prunedRoot, builtRoot, out] = process.argv.slice(2);
  if (!out) {
    console.error('usage: node assemble-image.js <workspace> <pruned-root> <built-root> <out>');
    process.exit(2);
  }
  const workspaces = assemble(workspace, prunedRoot, builtRoot, out);
  console.log(`assembled ${workspace} with ${workspaces.filter((path) => path !== workspace).join(', ')}`);
}

module.exports = { assemble, linkedWorkspaces, RUNTIME_ASSETS };
