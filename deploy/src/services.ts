// What the manifests and images are checked against: Aisle's four services, the pipeline, and the
// calls between them (the README's diagram). One place, so a new service or call is added here first.

export interface ServiceSpec {
  /** Project, Deployment, Service and image name. */
  name: string;
  port: number;
  /** The variable that overrides the port (libs/config services.ts). */
  portVariable: string;
}

export const SERVICES: readonly ServiceSpec[] = [
  { name: 'ranker', port: 50051, portVariable: 'AISLE_RANKER_PORT' },
  { name: 'feature-service', port: 50052, portVariable: 'AISLE_FEATURES_PORT' },
  { name: 'copurchase-model-service', port: 50053, portVariable: 'AISLE_COPURCHASE_PORT' },
  { name: 'affinity-model-service', port: 50054, portVariable: 'AISLE_AFFINITY_PORT' },
];

export const SERVICE_NAMES = SERVICES.map((service) => service.name);

/** Every label each object and pod template carries. */
export const REQUIRED_LABELS = ['app.kubernetes.io/name', 'app.kubernetes.io/part-of', 'app.kubernetes.io/component'] as const;

/** Peers outside the rendered manifests that the network policies must account for. */
export const EXTERNAL_PODS = [
  { name: 'kube-dns', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' }, ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }] },
  { name: 'cassandra', namespace: undefined, labels: { 'app.kubernetes.io/name': 'cassandra', 'cassandra.datastax.com/cluster': 'aisle-cassandra' }, ports: [{ port: 9042, protocol: 'TCP' }, { port: 7000, protocol: 'TCP' }] },
  { name: 'caller', namespace: 'backend', labels: { 'aisle/ranker-caller': 'true' }, ports: [{ port: 8080, protocol: 'TCP' }] },
  { name: 'stranger', namespace: 'backend', labels: {}, ports: [{ port: 8080, protocol: 'TCP' }] },
] as const;

const DNS = ['kube-dns:53/UDP', 'kube-dns:53/TCP'];
const OTLP = ['otel-collector:4317/TCP', 'otel-collector:4318/TCP'];

/**
 * Every connection the network policies must allow, as "from -> to:port/protocol", and nothing else
 * (with the otel component; without it the otel rows have no pods). Anything not listed is denied.
 */
export const CALL_GRAPH: readonly string[] = [
  'caller -> ranker:50051/TCP',
  'ranker -> feature-service:50052/TCP',
  'ranker -> copurchase-model-service:50053/TCP',
  'ranker -> affinity-model-service:50054/TCP',
  'copurchase-model-service -> feature-service:50052/TCP',
  'affinity-model-service -> feature-service:50052/TCP',
  'pipeline -> cassandra:9042/TCP',
  'feature-service -> cassandra:9042/TCP',
  'otel-collector -> jaeger:4317/TCP',
  ...['ranker', 'feature-service', 'copurchase-model-service', 'affinity-model-service', 'pipeline', 'otel-collector', 'jaeger'].flatMap((from) => DNS.map((to) => `${from} -> ${to}`)),
  ...['ranker', 'feature-service', 'copurchase-model-service', 'affinity-model-service', 'pipeline'].flatMap((from) => OTLP.map((to) => `${from} -> ${to}`)),
];
