// Which connections the rendered NetworkPolicies allow, evaluated as the Kubernetes NetworkPolicy API
// defines it: a pod selected by any policy of a direction is isolated in that direction and accepts
// only what some rule of those policies allows; a connection needs the source's egress and the
// destination's ingress. Peers by pod and namespace selectors; ipBlock peers are reported as such.
import type { K8sObject } from './kustomize';
import { podTemplates } from './rules';
import { labelsMatch } from './selectors';
import { EXTERNAL_PODS } from './services';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

export interface Pod {
  name: string;
  namespace: string;
  labels: Record<string, string>;
  ports: { port: number; protocol: string; name?: string }[];
  /** Outside the manifests: connections between two such pods are not Aisle's to allow or deny. */
  external: boolean;
}

/** The pods of the rendered workloads, in namespace, plus the peers outside the manifests. */
export function podsOf(objects: K8sObject[], namespace: string): Pod[] {
  const rendered = podTemplates(objects).map((pod) => ({
    name: pod.owner.metadata.name,
    namespace,
    labels: pod.metadata.labels ?? {},
    ports: pod.spec.containers.flatMap((container: Json) => (container.ports ?? []).map((port: Json) => ({ port: port.containerPort, protocol: port.protocol ?? 'TCP', name: port.name }))),
    external: false,
  }));
  const external = EXTERNAL_PODS.map((pod) => ({ name: pod.name, namespace: pod.namespace ?? namespace, labels: { ...pod.labels }, ports: pod.ports.map((port) => ({ ...port })), external: true }));
  return [...rendered, ...external];
}

function namespaceLabels(namespace: string): Record<string, string> {
  return { 'kubernetes.io/metadata.name': namespace };
}

function peerMatches(peer: Json, policyNamespace: string, pod: Pod): boolean {
  if (peer.ipBlock) throw new Error(`ipBlock peers are not expected (${JSON.stringify(peer.ipBlock)}): they bypass the pod graph`);
  if (peer.namespaceSelector === undefined) return pod.namespace === policyNamespace && labelsMatch(peer.podSelector ?? {}, pod.labels);
  return labelsMatch(peer.namespaceSelector, namespaceLabels(pod.namespace)) && labelsMatch(peer.podSelector ?? {}, pod.labels);
}

function portMatches(rulePorts: Json[] | undefined, target: Pod, port: Pod['ports'][number]): boolean {
  if (!rulePorts || rulePorts.length === 0) return true;
  return rulePorts.some((rule) => {
    if ((rule.protocol ?? 'TCP') !== port.protocol) return false;
    if (rule.port === undefined) return true;
    if (typeof rule.port === 'string') return target.ports.some((candidate) => candidate.name === rule.port && candidate.port === port.port);
    return rule.endPort ? port.port >= rule.port && port.port <= rule.endPort : port.port === rule.port;
  });
}

function allows(policies: K8sObject[], direction: 'Ingress' | 'Egress', subject: Pod, peer: Pod, target: Pod, port: Pod['ports'][number]): boolean {
  const selecting = policies.filter((policy) => {
    const types: string[] = policy.spec.policyTypes ?? (policy.spec.egress ? ['Ingress', 'Egress'] : ['Ingress']);
    return (policy.metadata.namespace ?? subject.namespace) === subject.namespace && types.includes(direction) && labelsMatch(policy.spec.podSelector, subject.labels);
  });
  if (selecting.length === 0) return true;
  return selecting.some((policy) => {
    const rules: Json[] = (direction === 'Ingress' ? policy.spec.ingress : policy.spec.egress) ?? [];
    const peers = (rule: Json) => (direction === 'Ingress' ? rule.from : rule.to);
    return rules.some((rule) => (peers(rule) === undefined || peers(rule).some((candidate: Json) => peerMatches(candidate, policy.metadata.namespace ?? subject.namespace, peer))) && portMatches(rule.ports, target, port));
  });
}

/** Every allowed connection between distinct pods, as "from -> to:port/protocol". */
export function allowedConnections(objects: K8sObject[], namespace: string): string[] {
  const policies = objects.filter((object) => object.kind === 'NetworkPolicy');
  const pods = podsOf(objects, namespace);
  const connections: string[] = [];
  for (const from of pods) {
    for (const to of pods) {
      if (from === to || (from.external && to.external)) continue;
      for (const port of to.ports) {
        if (allows(policies, 'Egress', from, to, to, port) && allows(policies, 'Ingress', to, from, to, port)) connections.push(`${from.name} -> ${to.name}:${port.port}/${port.protocol}`);
      }
    }
  }
  return connections;
}
