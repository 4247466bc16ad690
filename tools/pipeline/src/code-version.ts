// The code version of a run: the git commit (when there is a checkout) and a hash of the built code
// the pipeline runs: the services' and libraries' dist/ and the pipeline's own files. These hashes go
// into the step keys (a training step's: its train command's code only), so changed code never
// reuses outputs made by other code.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { sha256 } from './hash';
import { ROOT } from './paths';

const SERVICES = ['feature-service', 'copurchase-model-service', 'affinity-model-service', 'ranker'];

function codeFiles(dir: string, out: string[]): void {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir).sort()) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) codeFiles(path, out);
    else if (/\.(js|ts|json)$/.test(entry) && !/\.(test|d)\.ts$/.test(entry) && !entry.endsWith('.map')) out.push(path);
  }
}

function hashFiles(files: readonly string[], cache: Map<string, string>): string {
  const lines = files.map((file) => {
    let hash = cache.get(file);
    if (hash === undefined) cache.set(file, (hash = sha256(readFileSync(file))));
    return `${file.slice(ROOT.length)} ${hash}`;
  });
  return sha256(lines.join('\n'));
}

/** Hashes of the built code: everything, and what each train command runs (its service and the libs). */
export function buildHashes(): { all: string; copurchase: string; affinity: string } {
  const cache = new Map<string, string>();
  const libs: string[] = [];
  for (const lib of readdirSync(join(ROOT, 'libs')).sort()) codeFiles(join(ROOT, 'libs', lib, 'dist'), libs);
  const service = (name: string) => {
    const files: string[] = [];
    codeFiles(join(ROOT, 'services', name, 'dist'), files);
    return files;
  };
  const own: string[] = [];
  codeFiles(__dirname, own);
  return {
    all: hashFiles([...SERVICES.flatMap(service), ...libs, ...own], cache),
    copurchase: hashFiles([...service('copurchase-model-service'), ...libs], cache),
    affinity: hashFiles([...service('affinity-model-service'), ...libs], cache),
  };
}

function git(args: string[]): string | undefined {
  try {
    return execFileSync('git', args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    return undefined;
  }
}

export interface CodeVersion {
  /** What registered versions record as code_version. */
  label: string;
  /** The source part of the label: git commit (and whether the checkout had local changes), or AISLE_CODE_VERSION. */
  source: string;
  /** Hash of all the built code the pipeline runs (part of every evaluation step's key). */
  build: string;
  /** Hash of what each train command runs (part of its training steps' keys). */
  trainers: { copurchase: string; affinity: string };
}

export function codeVersion(env: NodeJS.ProcessEnv = process.env): CodeVersion {
  const hashes = buildHashes();
  const build = hashes.all;
  let source = env.AISLE_CODE_VERSION;
  if (!source) {
    const commit = git(['rev-parse', '--short=12', 'HEAD']);
    const dirty = commit !== undefined && (git(['status', '--porcelain', '--untracked-files=no']) ?? '') !== '';
    source = commit ? `git:${commit}${dirty ? '+local-changes' : ''}` : 'unknown';
  }
  return { label: `${source} build:${build.slice(0, 12)}`, source, build, trainers: { copurchase: hashes.copurchase, affinity: hashes.affinity } };
}
