// Every overlay renders, every object is valid against the Kubernetes schemas, and the rules hold.
import { describe, expect, it } from 'vitest';
import { OVERLAYS, render } from './kustomize';
import { allowedConnections } from './network';
import { checkRules, containerEnvironment } from './rules';
import { UNSCHEMATIZED_KINDS, validateObject } from './schema';
import { CALL_GRAPH, SERVICE_NAMES } from './services';

const NAMESPACES = { dev: 'aisle-dev', prod: 'aisle' } as const;

describe.each(OVERLAYS)('overlay %s', (overlay) => {
  const objects = render(`overlays/${overlay}`);

  it('renders every Aisle service into one namespace', () => {
    const deployments = objects.filter((object) => object.kind === 'Deployment').map((object) => object.metadata.name);
    expect(deployments).toEqual(expect.arrayContaining(SERVICE_NAMES));
    expect(objects.filter((object) => object.kind !== 'Namespace').every((object) => object.metadata.namespace === NAMESPACES[overlay])).toBe(true);
  });

  it('is valid against the Kubernetes schemas', () => {
    expect(objects.flatMap(validateObject)).toEqual([]);
  });

  it('keeps the rules: probes, resources, non-root, read-only root, labels, PDB and HPA, grpc ports', () => {
    expect(checkRules(objects)).toEqual([]);
  });

  it('has no objects without a schema beyond the known custom resources', () => {
    const custom = objects.filter((object) => UNSCHEMATIZED_KINDS.has(`${object.apiVersion}/${object.kind}`)).map((object) => object.kind);
    expect(custom).toEqual(overlay === 'prod' ? ['K8ssandraCluster'] : []);
  });
});

describe('dev', () => {
  const objects = render('overlays/dev');

  it('runs one replica of each service on the embedded store', () => {
    for (const hpa of objects.filter((object) => object.kind === 'HorizontalPodAutoscaler')) expect([hpa.spec.minReplicas, hpa.spec.maxReplicas]).toEqual([1, 1]);
    const featureService = objects.find((object) => object.kind === 'Deployment' && object.metadata.name === 'feature-service');
    expect(containerEnvironment(objects, featureService?.spec.template.spec.containers[0]).AISLE_STORE).toBe('sqlite');
  });
});

describe('prod', () => {
  const objects = render('overlays/prod');

  it('allows exactly the call graph through its NetworkPolicies', () => {
    expect(allowedConnections(objects, 'aisle').sort()).toEqual([...CALL_GRAPH].sort());
  });

  it('sends every service its telemetry through the collector, and TLS files to each', () => {
    for (const name of SERVICE_NAMES) {
      const deployment = objects.find((object) => object.kind === 'Deployment' && object.metadata.name === name);
      const environment = containerEnvironment(objects, deployment?.spec.template.spec.containers[0]);
      expect(environment.OTEL_EXPORTER_OTLP_ENDPOINT).toBe('http://otel-collector:4318');
      expect(environment.AISLE_TLS_CERT_FILE).toBe('/etc/aisle/tls/tls.crt');
      expect(environment.AISLE_BIND_HOST).toBe('0.0.0.0');
    }
  });

  it('stores features in Cassandra, replicated on three nodes', () => {
    const cluster = objects.find((object) => object.kind === 'K8ssandraCluster');
    expect(cluster?.spec.cassandra.datacenters[0].size).toBe(3);
    const featureService = objects.find((object) => object.kind === 'Deployment' && object.metadata.name === 'feature-service');
    expect(containerEnvironment(objects, featureService?.spec.template.spec.containers[0]).AISLE_CASSANDRA_REPLICATION).toBe("{'class':'NetworkTopologyStrategy','dc1':3}");
  });
});
