// An image holds the workspace packages that npm reaches from the service's package.json, and nothing
// else (assemble-image.js). This finds the @aisle imports of the compiled sources that those
// declarations miss: each would build in the monorepo and fail with "Cannot find module" in the image.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const IMPORT = /(?:from\s+|require\(\s*|import\(\s*)['"](@aisle\/[a-z-]+)(?:\/[^'"]*)?['"]/g;

function packageDirectory(root: string, name: string): string {
  const short = name.replace('@aisle/', '');
  for (const group of ['libs', 'services', 'tools']) {
    const directory = join(root, group, short);
    try {
      if (statSync(join(directory, 'package.json')).isFile()) return directory;
    } catch {
      // not in this group
    }
  }
  throw new Error(`${name} is not a workspace package`);
}

function declared(directory: string): string[] {
  const manifest = JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8'));
  return Object.keys(manifest.dependencies ?? {}).filter((name) => name.startsWith('@aisle/'));
}

/** Sources the build compiles: src/**\/*.ts without tests and src/testing (each tsconfig.build.json). */
function compiledSources(directory: string): string[] {
  const walk = (path: string): string[] =>
    readdirSync(path, { withFileTypes: true }).flatMap((entry) => {
      const full = join(path, entry.name);
      if (entry.isDirectory()) return entry.name === 'testing' && path === join(directory, 'src') ? [] : walk(full);
      return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') && !entry.name.endsWith('.d.ts') ? [full] : [];
    });
  return walk(join(directory, 'src'));
}

/** "<file>: imports @aisle/x, which <image's package>/package.json does not reach" for each gap. */
export function undeclaredWorkspaceImports(root: string, service: string): string[] {
  const manifest = `${packageDirectory(root, `@aisle/${service}`).slice(root.length + 1)}/package.json`;
  const reached = new Set<string>([`@aisle/${service}`]);
  const queue = [`@aisle/${service}`];
  while (queue.length > 0) {
    for (const dependency of declared(packageDirectory(root, queue.shift() as string))) {
      if (!reached.has(dependency)) {
        reached.add(dependency);
        queue.push(dependency);
      }
    }
  }
  const problems: string[] = [];
  for (const name of reached) {
    for (const file of compiledSources(packageDirectory(root, name))) {
      for (const match of readFileSync(file, 'utf8').matchAll(IMPORT)) {
        if (!reached.has(match[1])) problems.push(`${file.slice(root.length + 1)}: imports ${match[1]}, which ${manifest} does not reach`);
      }
    }
  }
  return problems;
}
