// Validation of rendered objects against the Kubernetes OpenAPI schemas shipped by kubernetes-models
// (types, required fields, enums and formats; it does not reject unknown fields, which the rules in
// rules.ts cover for the fields that matter). Custom resources have no shipped schema: they are
// listed here and checked by their own rules.
import { createRequire } from 'node:module';
import type { K8sObject } from './kustomize';

const load = createRequire(__filename);

/** Custom resources that no installed library has a schema for. */
export const UNSCHEMATIZED_KINDS = new Set(['k8ssandra.io/v1alpha1/K8ssandraCluster']);

interface Model {
  validate(): void;
}
type ModelClass = new (data: unknown) => Model;

function modelClass(object: K8sObject): ModelClass | undefined {
  let group: Record<string, unknown>;
  try {
    group = load(`kubernetes-models/${object.apiVersion}`) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  return group[object.kind] as ModelClass | undefined;
}

/** Problems of one object, each prefixed with kind/name; empty when it is valid. */
export function validateObject(object: K8sObject): string[] {
  const id = `${object.kind}/${object.metadata?.name}`;
  if (UNSCHEMATIZED_KINDS.has(`${object.apiVersion}/${object.kind}`)) return [];
  const Model = modelClass(object);
  if (!Model) return [`${id}: no schema for ${object.apiVersion} ${object.kind}`];
  try {
    new Model(object).validate();
    return [];
  } catch (error) {
    return [`${id}: ${(error as Error).message}`];
  }
}
