// Renders a kustomization with the pinned kustomize (scripts/ensure-kustomize.sh installs it).
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

export const DEPLOY_ROOT = join(__dirname, '..');

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  // Rendered manifests are plain data; each check narrows the part it reads.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  spec?: any;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  [field: string]: any;
}

let binary: string | undefined;

export function kustomizeBinary(): string {
  binary ??= execFileSync('bash', [join(DEPLOY_ROOT, 'scripts', 'ensure-kustomize.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  return binary;
}

/** The objects `kustomize build <dir>` prints; dir is relative to deploy/k8s unless absolute. */
export function render(dir: string): K8sObject[] {
  const output = execFileSync(kustomizeBinary(), ['build', join(DEPLOY_ROOT, 'k8s', dir)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return parseYamlObjects(output);
}

export function parseYamlObjects(text: string): K8sObject[] {
  return parseAllDocuments(text)
    .map((document) => {
      if (document.errors.length > 0) throw new Error(document.errors.map((error) => error.message).join('\n'));
      return document.toJS() as K8sObject | null;
    })
    .filter((object): object is K8sObject => object !== null);
}

export const OVERLAYS = ['dev', 'prod'] as const;
