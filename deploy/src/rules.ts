// The rules every rendered overlay must keep. Each rule returns human-readable violations, so a
// failing test names the object and the broken field.
import { posix } from 'node:path';
import type { K8sObject } from './kustomize';
import { labelsMatch } from './selectors';
import { REQUIRED_LABELS, SERVICES } from './services';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

export const SINGLETON_ANNOTATION = 'deploy.aisle/singleton';
const SEMVER = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/;

interface PodTemplate {
  owner: K8sObject;
  id: string;
  metadata: Json;
  spec: Json;
}

export function podTemplates(objects: K8sObject[]): PodTemplate[] {
  return objects.flatMap((owner) => {
    const id = `${owner.kind}/${owner.metadata.name}`;
    if (owner.kind === 'Deployment' || owner.kind === 'StatefulSet') return [{ owner, id, metadata: owner.spec.template.metadata ?? {}, spec: owner.spec.template.spec }];
    if (owner.kind === 'CronJob') return [{ owner, id, metadata: owner.spec.jobTemplate.spec.template.metadata ?? {}, spec: owner.spec.jobTemplate.spec.template.spec }];
    return [];
  });
}

/** The environment a container gets from its ConfigMaps (envFrom) and literal env entries. */
export function containerEnvironment(objects: K8sObject[], container: Json): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const source of container.envFrom ?? []) {
    const configMap = objects.find((object) => object.kind === 'ConfigMap' && object.metadata.name === source.configMapRef?.name);
    Object.assign(environment, configMap?.data ?? {});
  }
  for (const entry of container.env ?? []) if (entry.value !== undefined) environment[entry.name] = entry.value;
  return environment;
}

function labelRules(objects: K8sObject[]): string[] {
  const missing = (id: string, labels: Record<string, string> | undefined) =>
    REQUIRED_LABELS.filter((label) => !labels?.[label]).map((label) => `${id}: label ${label} missing`);
  return [
    ...objects.flatMap((object) => missing(`${object.kind}/${object.metadata.name}`, object.metadata.labels)),
    ...podTemplates(objects).flatMap((pod) => missing(`${pod.id} pod template`, pod.metadata.labels)),
  ];
}

function securityRules(objects: K8sObject[], pod: PodTemplate): string[] {
  const problems: string[] = [];
  const podSecurity = pod.spec.securityContext ?? {};
  if (pod.spec.automountServiceAccountToken !== false) problems.push(`${pod.id}: automountServiceAccountToken must be false`);
  const account = objects.find((object) => object.kind === 'ServiceAccount' && object.metadata.name === pod.spec.serviceAccountName);
  if (!account) problems.push(`${pod.id}: ServiceAccount ${pod.spec.serviceAccountName ?? '(default)'} is not in the manifests`);
  else if (account.automountServiceAccountToken !== false) problems.push(`ServiceAccount/${account.metadata.name}: automountServiceAccountToken must be false`);
  const emptyDirs = new Set((pod.spec.volumes ?? []).filter((volume: Json) => volume.emptyDir).map((volume: Json) => volume.name));
  for (const container of [...(pod.spec.initContainers ?? []), ...pod.spec.containers]) {
    const at = `${pod.id} container ${container.name}`;
    const security = container.securityContext ?? {};
    if ((security.runAsNonRoot ?? podSecurity.runAsNonRoot) !== true) problems.push(`${at}: runAsNonRoot must be true`);
    if ((security.seccompProfile ?? podSecurity.seccompProfile)?.type !== 'RuntimeDefault') problems.push(`${at}: seccompProfile must be RuntimeDefault`);
    if (security.allowPrivilegeEscalation !== false) problems.push(`${at}: allowPrivilegeEscalation must be false`);
    if (security.privileged === true) problems.push(`${at}: must not be privileged`);
    if (security.readOnlyRootFilesystem !== true) problems.push(`${at}: readOnlyRootFilesystem must be true`);
    if (!(security.capabilities?.drop ?? []).includes('ALL')) problems.push(`${at}: capabilities must drop ALL`);
    if ((security.capabilities?.add ?? []).length > 0) problems.push(`${at}: must not add capabilities`);
    if (!(container.volumeMounts ?? []).some((mount: Json) => mount.mountPath === '/tmp' && emptyDirs.has(mount.name))) problems.push(`${at}: /tmp must be an emptyDir (the root filesystem is read-only)`);
    for (const kind of ['requests', 'limits']) {
      for (const resource of ['cpu', 'memory']) if (container.resources?.[kind]?.[resource] === undefined) problems.push(`${at}: resources.${kind}.${resource} missing`);
    }
    // Configuration comes from ConfigMaps and Secrets: literal values would bypass them.
    for (const entry of container.env ?? []) if (entry.valueFrom === undefined) problems.push(`${at}: env ${entry.name} is a literal; put it in a ConfigMap or Secret`);
    for (const source of container.envFrom ?? []) {
      const name = source.configMapRef?.name;
      if (name && !objects.some((object) => object.kind === 'ConfigMap' && object.metadata.name === name)) problems.push(`${at}: envFrom ConfigMap ${name} is not in the manifests`);
    }
  }
  return problems;
}

/** A probe of an Aisle server: the kubelet's gRPC probe on its port, or healthcheck.js (TLS) on it. */
function isServiceProbe(probe: Json, port: number): boolean {
  if (probe?.grpc) return probe.grpc.port === port && !probe.exec && !probe.httpGet && !probe.tcpSocket;
  const command: string[] = probe?.exec?.command ?? [];
  return command[0] === 'node' && command[1] === '/app/healthcheck.js' && command[command.indexOf('--port') + 1] === String(port);
}

/** An Aisle image is `[registry/]aisle/<name>:<version>`: its own, at a released version. */
function imageRules(id: string, container: Json, name: string): string[] {
  const image = /^(?:.+\/)?aisle\/([a-z-]+):(.+)$/.exec(container.image ?? '');
  if (!image || image[1] !== name) return [`${id}: image ${container.image} is not aisle/${name}`];
  return SEMVER.test(image[2]) ? [] : [`${id}: image tag ${image[2]} is not a version`];
}

/** Whether the container takes the variable from a Secret. */
const fromSecret = (container: Json, name: string): boolean => (container.env ?? []).some((entry: Json) => entry.name === name && entry.valueFrom?.secretKeyRef);

/** The PersistentVolumeClaim mounted at `directory` in a pod's container, if any. */
function claimMountedAt(podSpec: Json, container: Json, directory: string): string | undefined {
  const mount = (container?.volumeMounts ?? []).find((candidate: Json) => candidate.mountPath === directory);
  return (podSpec.volumes ?? []).find((candidate: Json) => candidate.name === mount?.name)?.persistentVolumeClaim?.claimName;
}

/**
 * How long a rolling update of an Aisle service waits after a new pod is ready before it replaces
 * the next one. A Node service's first few thousand calls cost it several times the CPU of later ones
 * (V8 has not yet compiled its serving path); a ranker given full load that cold shed and failed calls
 * for seconds (README, "A step onto cold processes"), so a rollout keeps at most one cold pod at a time.
 */
const MIN_READY_SECONDS = 20;

function deploymentRules(objects: K8sObject[], deployment: K8sObject): string[] {
  const id = `Deployment/${deployment.metadata.name}`;
  const problems: string[] = [];
  const podLabels = deployment.spec.template.metadata?.labels ?? {};
  if (!labelsMatch(deployment.spec.selector, podLabels)) problems.push(`${id}: selector does not match its pod template`);
  for (const container of deployment.spec.template.spec.containers) {
    if (!container.readinessProbe) problems.push(`${id} container ${container.name}: readinessProbe missing`);
    if (!container.livenessProbe) problems.push(`${id} container ${container.name}: livenessProbe missing`);
  }
  const service = SERVICES.find((spec) => spec.name === deployment.metadata.name);
  if (service) {
    const container = deployment.spec.template.spec.containers.find((candidate: Json) => candidate.name === service.name);
    if (!container) problems.push(`${id}: no container named ${service.name}`);
    else {
      for (const kind of ['readinessProbe', 'livenessProbe', 'startupProbe']) {
        if (container[kind] && !isServiceProbe(container[kind], service.port)) problems.push(`${id}: ${kind} must be a gRPC health probe on port ${service.port}`);
      }
      problems.push(...imageRules(id, container, service.name));
      const grpcPort = (container.ports ?? []).find((port: Json) => port.name === 'grpc');
      if (grpcPort?.containerPort !== service.port) problems.push(`${id}: container port grpc must be ${service.port}`);
    }
    const services = objects.filter((object) => object.kind === 'Service' && object.metadata.name === service.name);
    const port = services[0]?.spec.ports?.find((candidate: Json) => candidate.name === 'grpc');
    if (!services[0]) problems.push(`${id}: Service ${service.name} missing`);
    else if (port?.port !== service.port) problems.push(`Service/${service.name}: port named grpc on ${service.port} missing`);
    else if (!labelsMatch({ matchLabels: services[0].spec.selector }, podLabels)) problems.push(`Service/${service.name}: selector does not match the pods of ${id}`);
  }

  const hpas = objects.filter((object) => object.kind === 'HorizontalPodAutoscaler' && object.spec.scaleTargetRef?.kind === 'Deployment' && object.spec.scaleTargetRef?.name === deployment.metadata.name);
  const pdbs = objects.filter((object) => object.kind === 'PodDisruptionBudget' && labelsMatch(object.spec.selector, podLabels));
  const singleton = deployment.metadata.annotations?.[SINGLETON_ANNOTATION];
  if (singleton) {
    if (deployment.spec.replicas !== 1 || deployment.spec.strategy?.type !== 'Recreate') problems.push(`${id}: a singleton runs replicas: 1 with the Recreate strategy`);
    if (hpas.length > 0) problems.push(`${id}: a singleton has no HorizontalPodAutoscaler`);
    return problems;
  }
  if (service && deployment.spec.strategy?.type !== 'Recreate' && !(deployment.spec.minReadySeconds >= MIN_READY_SECONDS)) {
    problems.push(`${id}: a rolling update must wait minReadySeconds >= ${MIN_READY_SECONDS} after each new pod is ready (a cold pod serves slowly; one at a time)`);
  }
  if (hpas.length !== 1) problems.push(`${id}: needs exactly one HorizontalPodAutoscaler, has ${hpas.length}`);
  if (pdbs.length !== 1) problems.push(`${id}: needs exactly one PodDisruptionBudget selecting its pods, has ${pdbs.length}`);
  if (deployment.spec.replicas !== undefined) problems.push(`${id}: replicas is set, but the HorizontalPodAutoscaler owns it`);
  for (const hpa of hpas) {
    if (!(hpa.spec.minReplicas >= 1 && hpa.spec.minReplicas <= hpa.spec.maxReplicas)) problems.push(`HorizontalPodAutoscaler/${hpa.metadata.name}: needs 1 <= minReplicas <= maxReplicas`);
  }
  return problems;
}

function cronJobRules(cronJob: K8sObject): string[] {
  const id = `CronJob/${cronJob.metadata.name}`;
  const problems = cronJob.spec.concurrencyPolicy === 'Forbid' ? [] : [`${id}: concurrencyPolicy must be Forbid (two trainings must not race)`];
  // The pipeline's own image (tools/pipeline/Dockerfile), released by version like the services'.
  for (const container of cronJob.spec.jobTemplate.spec.template.spec.containers) problems.push(...imageRules(id, container, cronJob.metadata.name));
  return problems;
}

/** The feature service's store: SQLite pinned to one pod on a volume, or Cassandra consistent with its cluster. */
function storeRules(objects: K8sObject[]): string[] {
  const deployment = objects.find((object) => object.kind === 'Deployment' && object.metadata.name === 'feature-service');
  if (!deployment) return ['Deployment/feature-service missing'];
  const container = deployment.spec.template.spec.containers.find((candidate: Json) => candidate.name === 'feature-service');
  const environment = containerEnvironment(objects, container);
  const problems: string[] = [];
  if ((environment.AISLE_STORE ?? 'sqlite') === 'sqlite') {
    if (!claimMountedAt(deployment.spec.template.spec, container, posix.dirname(environment.AISLE_SQLITE_PATH ?? ''))) problems.push('feature-service (SQLite): AISLE_SQLITE_PATH must be on a PersistentVolumeClaim');
    const hpa = objects.find((object) => object.kind === 'HorizontalPodAutoscaler' && object.spec.scaleTargetRef?.name === 'feature-service');
    if (hpa && hpa.spec.maxReplicas !== 1) problems.push('feature-service (SQLite): one writer only, maxReplicas must be 1');
    if (deployment.spec.strategy?.type !== 'Recreate') problems.push('feature-service (SQLite): the strategy must be Recreate, so two pods never share the file');
    return problems;
  }
  const clusters = objects.filter((object) => object.kind === 'K8ssandraCluster');
  if (clusters.length !== 1) return [`feature-service (Cassandra): expected one K8ssandraCluster, found ${clusters.length}`];
  const cluster = clusters[0];
  const datacenters: Json[] = cluster.spec.cassandra?.datacenters ?? [];
  const local = datacenters.find((datacenter) => datacenter.metadata?.name === environment.AISLE_CASSANDRA_DATACENTER);
  if (!local) problems.push(`feature-service (Cassandra): AISLE_CASSANDRA_DATACENTER ${environment.AISLE_CASSANDRA_DATACENTER} is not a datacenter of ${cluster.metadata.name}`);
  const service = `${cluster.spec.cassandra?.clusterName ?? cluster.metadata.name}-${environment.AISLE_CASSANDRA_DATACENTER}-service`;
  if (!(environment.AISLE_CASSANDRA_CONTACT_POINTS ?? '').split(',').every((point) => point.trim().startsWith(`${service}:`))) problems.push(`feature-service (Cassandra): contact points must be ${service}:9042`);
  const replication = Object.fromEntries([...(environment.AISLE_CASSANDRA_REPLICATION ?? '').matchAll(/'([^']+)'\s*:\s*'?([^',}]+)'?/g)].map((match) => [match[1], match[2]]));
  if (replication.class !== 'NetworkTopologyStrategy') problems.push('feature-service (Cassandra): replication must be NetworkTopologyStrategy for a multi-node cluster');
  for (const datacenter of datacenters) {
    const factor = Number(replication[datacenter.metadata.name]);
    if (!(factor >= Math.min(3, datacenter.size) && factor <= datacenter.size)) problems.push(`feature-service (Cassandra): replication for ${datacenter.metadata.name} must be between min(3, size) and its size ${datacenter.size}, is ${replication[datacenter.metadata.name]}`);
  }
  for (const variable of ['AISLE_CASSANDRA_READ_CONSISTENCY', 'AISLE_CASSANDRA_WRITE_CONSISTENCY']) {
    if (environment[variable] && !['LOCAL_QUORUM', 'QUORUM'].includes(environment[variable])) problems.push(`feature-service (Cassandra): ${variable} must be a quorum so that one node can be down`);
  }
  if (!fromSecret(container, 'AISLE_CASSANDRA_USERNAME') || !fromSecret(container, 'AISLE_CASSANDRA_PASSWORD')) problems.push('feature-service (Cassandra): credentials must come from a Secret');
  return problems;
}

/** What names the store: the pipeline must see the very store the feature service serves. */
const STORE_VARIABLES = ['AISLE_STORE', 'AISLE_SQLITE_PATH', 'AISLE_CASSANDRA_CONTACT_POINTS', 'AISLE_CASSANDRA_DATACENTER', 'AISLE_CASSANDRA_KEYSPACE'];

/**
 * The training pipeline reads the feature service's store and registers into it: the same store
 * variables; on SQLite the same volume at the same place, on the feature service's node (the volume
 * is ReadWriteOnce); on Cassandra credentials from a Secret.
 */
function pipelineStoreRules(objects: K8sObject[]): string[] {
  const cronJob = objects.find((object) => object.kind === 'CronJob' && object.metadata.name === 'pipeline');
  const deployment = objects.find((object) => object.kind === 'Deployment' && object.metadata.name === 'feature-service');
  if (!cronJob || !deployment) return cronJob ? [] : ['CronJob/pipeline missing'];
  const pod = cronJob.spec.jobTemplate.spec.template.spec;
  const container = pod.containers.find((candidate: Json) => candidate.name === 'pipeline');
  const featureContainer = deployment.spec.template.spec.containers.find((candidate: Json) => candidate.name === 'feature-service');
  const served = containerEnvironment(objects, featureContainer);
  const environment = containerEnvironment(objects, container);
  const problems = STORE_VARIABLES.filter((name) => environment[name] !== served[name]).map(
    (name) => `CronJob/pipeline: ${name} must be the feature service's (${served[name] ?? 'unset'}), is ${environment[name] ?? 'unset'}`,
  );
  if ((served.AISLE_STORE ?? 'sqlite') === 'sqlite') {
    const directory = posix.dirname(served.AISLE_SQLITE_PATH ?? '');
    const claim = claimMountedAt(deployment.spec.template.spec, featureContainer, directory);
    if (!claim || claimMountedAt(pod, container, directory) !== claim) problems.push(`CronJob/pipeline (SQLite): must mount the feature service's volume (${claim ?? 'none'}) at ${directory}`);
    const terms: Json[] = pod.affinity?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? [];
    const featureLabels = deployment.spec.template.metadata?.labels ?? {};
    if (!terms.some((term) => term.topologyKey === 'kubernetes.io/hostname' && labelsMatch(term.labelSelector, featureLabels))) {
      problems.push("CronJob/pipeline (SQLite): needs a required podAffinity to the feature service's pods on kubernetes.io/hostname (the volume is ReadWriteOnce)");
    }
  } else {
    if (!fromSecret(container, 'AISLE_CASSANDRA_USERNAME') || !fromSecret(container, 'AISLE_CASSANDRA_PASSWORD')) problems.push('CronJob/pipeline (Cassandra): credentials must come from a Secret');
  }
  return problems;
}

/** Every rule over one rendered overlay. */
export function checkRules(objects: K8sObject[]): string[] {
  return [
    ...labelRules(objects),
    ...podTemplates(objects).flatMap((pod) => securityRules(objects, pod)),
    ...objects.filter((object) => object.kind === 'Deployment').flatMap((deployment) => deploymentRules(objects, deployment)),
    ...objects.filter((object) => object.kind === 'CronJob').flatMap(cronJobRules),
    ...SERVICES.filter((service) => !objects.some((object) => object.kind === 'Deployment' && object.metadata.name === service.name)).map((service) => `Deployment/${service.name} missing`),
    ...storeRules(objects),
    ...pipelineStoreRules(objects),
  ];
}

