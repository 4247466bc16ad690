// The checker must catch what it is there for: each case breaks a rendered overlay one way.
import { describe, expect, it } from 'vitest';
import { parseYamlObjects, render, type K8sObject } from './kustomize';
import { allowedConnections } from './network';
import { checkRules } from './rules';
import { validateObject } from './schema';
import { CALL_GRAPH } from './services';

const prod = render('overlays/prod');
const dev = render('overlays/dev');

function broken(objects: K8sObject[], change: (find: (kind: string, name: string) => K8sObject) => void): K8sObject[] {
  const copy = structuredClone(objects);
  change((kind, name) => {
    const found = copy.find((object) => object.kind === kind && object.metadata.name === name);
    if (!found) throw new Error(`${kind}/${name} not rendered`);
    return found;
  });
  return copy;
}

const ranker = (find: (kind: string, name: string) => K8sObject) => find('Deployment', 'ranker').spec.template.spec.containers[0];

describe('checkRules catches', () => {
  it.each([
    ['a missing readiness probe', (find) => delete ranker(find).readinessProbe, 'Deployment/ranker container ranker: readinessProbe missing'],
    ['a probe on the wrong port', (find) => (ranker(find).livenessProbe = { grpc: { port: 50052 } }), 'Deployment/ranker: livenessProbe must be a gRPC health probe on port 50051'],
    ['a missing memory limit', (find) => delete ranker(find).resources.limits.memory, 'Deployment/ranker container ranker: resources.limits.memory missing'],
    ['a root container', (find) => (ranker(find).securityContext.runAsNonRoot = false), 'Deployment/ranker container ranker: runAsNonRoot must be true'],
    ['a writable root filesystem', (find) => delete ranker(find).securityContext.readOnlyRootFilesystem, 'Deployment/ranker container ranker: readOnlyRootFilesystem must be true'],
    ['privilege escalation', (find) => (ranker(find).securityContext.allowPrivilegeEscalation = true), 'Deployment/ranker container ranker: allowPrivilegeEscalation must be false'],
    ['kept capabilities', (find) => (ranker(find).securityContext.capabilities = {}), 'Deployment/ranker container ranker: capabilities must drop ALL'],
    ['a literal environment value', (find) => (ranker(find).env = [{ name: 'AISLE_RANK_BUDGET', value: '1s' }]), 'Deployment/ranker container ranker: env AISLE_RANK_BUDGET is a literal; put it in a ConfigMap or Secret'],
    ['a missing label', (find) => delete find('Service', 'ranker').metadata.labels?.['app.kubernetes.io/part-of'], 'Service/ranker: label app.kubernetes.io/part-of missing'],
    ['a Service port not named grpc', (find) => (find('Service', 'ranker').spec.ports[0].name = 'api'), 'Service/ranker: port named grpc on 50051 missing'],
    ['a token mounted', (find) => (find('ServiceAccount', 'ranker').automountServiceAccountToken = true), 'ServiceAccount/ranker: automountServiceAccountToken must be false'],
    ['another service image', (find) => (ranker(find).image = 'registry.example.com/aisle/feature-service:0.1.0'), 'Deployment/ranker: image registry.example.com/aisle/feature-service:0.1.0 is not aisle/ranker'],
    ['a rolling update that replaces the next pod at once', (find) => delete find('Deployment', 'ranker').spec.minReadySeconds, 'Deployment/ranker: a rolling update must wait minReadySeconds >= 20 after each new pod is ready (a cold pod serves slowly; one at a time)'],
    ['a pipeline image without a version', (find) => (find('CronJob', 'pipeline').spec.jobTemplate.spec.template.spec.containers[0].image = 'registry.example.com/aisle/pipeline:latest'), 'CronJob/pipeline: image tag latest is not a version'],
    ['a CronJob that may overlap', (find) => (find('CronJob', 'pipeline').spec.concurrencyPolicy = 'Allow'), 'CronJob/pipeline: concurrencyPolicy must be Forbid (two trainings must not race)'],
    ['a replication factor above the cluster', (find) => (find('K8ssandraCluster', 'aisle-cassandra').spec.cassandra.datacenters[0].size = 2), 'feature-service (Cassandra): replication for dc1 must be between min(3, size) and its size 2, is 3'],
  ] as [string, (find: (kind: string, name: string) => K8sObject) => void, string][])('%s', (_, change, violation) => {
    expect(checkRules(prod)).toEqual([]);
    expect(checkRules(broken(prod, change))).toContain(violation);
  });

  it('a Deployment without its PodDisruptionBudget or HorizontalPodAutoscaler', () => {
    const objects = prod.filter((object) => !(object.metadata.name === 'affinity-model-service' && ['PodDisruptionBudget', 'HorizontalPodAutoscaler'].includes(object.kind)));
    expect(checkRules(objects)).toEqual(
      expect.arrayContaining([
        'Deployment/affinity-model-service: needs exactly one HorizontalPodAutoscaler, has 0',
        'Deployment/affinity-model-service: needs exactly one PodDisruptionBudget selecting its pods, has 0',
      ]),
    );
  });

  const pipeline = (find: (kind: string, name: string) => K8sObject) => find('CronJob', 'pipeline').spec.jobTemplate.spec.template.spec;

  it('a pipeline that does not see the feature service\'s Cassandra store', () => {
    expect(checkRules(broken(prod, (find) => delete pipeline(find).containers[0].envFrom))).toContain("CronJob/pipeline: AISLE_STORE must be the feature service's (cassandra), is unset");
    expect(checkRules(broken(prod, (find) => delete pipeline(find).containers[0].env))).toContain('CronJob/pipeline (Cassandra): credentials must come from a Secret');
  });

  it('a pipeline away from the SQLite volume, or on another node', () => {
    expect(checkRules(dev)).toEqual([]);
    expect(checkRules(broken(dev, (find) => (pipeline(find).volumes = pipeline(find).volumes.filter((volume: { name: string }) => volume.name !== 'data'))))).toContain(
      "CronJob/pipeline (SQLite): must mount the feature service's volume (feature-service-data) at /data",
    );
    expect(checkRules(broken(dev, (find) => delete pipeline(find).affinity))).toContain(
      "CronJob/pipeline (SQLite): needs a required podAffinity to the feature service's pods on kubernetes.io/hostname (the volume is ReadWriteOnce)",
    );
  });

  it('SQLite behind more than one feature-service pod', () => {
    const objects = broken(dev, (find) => (find('HorizontalPodAutoscaler', 'feature-service').spec.maxReplicas = 3));
    expect(checkRules(objects)).toContain('feature-service (SQLite): one writer only, maxReplicas must be 1');
  });
});

describe('the schemas catch', () => {
  it('a wrongly typed field', () => {
    const [deployment] = broken(prod, (find) => (find('Deployment', 'ranker').spec.revisionHistoryLimit = 'ten')).filter((object) => object.kind === 'Deployment' && object.metadata.name === 'ranker');
    expect(validateObject(deployment).join()).toMatch(/revisionHistoryLimit must be integer/);
  });

  it('a missing required field and an unknown kind', () => {
    const [service, unknown] = parseYamlObjects('apiVersion: v1\nkind: Service\nmetadata: {name: x}\nspec: {ports: [{name: grpc}]}\n---\napiVersion: v1\nkind: Servce\nmetadata: {name: y}\n');
    expect(validateObject(service).join()).toMatch(/port/);
    expect(validateObject(unknown)).toEqual(['Servce/y: no schema for v1 Servce']);
  });
});

describe('allowedConnections catches', () => {
  it('a policy that opens more than the call graph', () => {
    const [openRanker] = parseYamlObjects(`
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: ranker-anywhere, namespace: aisle}
spec:
  podSelector: {matchLabels: {app.kubernetes.io/name: ranker}}
  policyTypes: [Egress]
  egress: [{}]
`);
    const extra = allowedConnections([...prod, openRanker], 'aisle').filter((connection) => !CALL_GRAPH.includes(connection));
    expect(extra).toContain('ranker -> cassandra:9042/TCP');
  });

  it('a missing ingress rule', () => {
    const objects = broken(prod, (find) => (find('NetworkPolicy', 'copurchase-model-service').spec.ingress = []));
    const missing = CALL_GRAPH.filter((connection) => !allowedConnections(objects, 'aisle').includes(connection));
    expect(missing).toEqual(['ranker -> copurchase-model-service:50053/TCP']);
  });
});
