// Probes a running server the way an outside tool (grpcurl, a Kubernetes probe, another language's
// client) would: with clients built at run time from the public health and reflection protos, not
// from Aisle's generated code.
import { loadPackageDefinition, type CallOptions, type Client, type ClientDuplexStream, type GrpcObject, type ServiceClientConstructor } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import { defaultChannelSecurity, type ChannelSecurity } from './tls';

const REFLECTION_PROTO = require.resolve('@grpc/reflection/build/proto/grpc/reflection/v1/reflection.proto');

interface HealthClient extends Client {
  Check(request: { service: string }, options: CallOptions, callback: (error: Error | null, response: { status: string }) => void): void;
}

interface ReflectionResponse {
  list_services_response?: { service: { name: string }[] };
  file_descriptor_response?: { file_descriptor_proto: Buffer[] };
  error_response?: { error_message: string };
}

interface ReflectionClient extends Client {
  ServerReflectionInfo(options: CallOptions): ClientDuplexStream<Record<string, string>, ReflectionResponse>;
}

function constructorAt(root: GrpcObject, path: string): ServiceClientConstructor {
  return path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], root) as ServiceClientConstructor;
}

/** grpc.health.v1.Health/Check of `service` ('' = the whole server): "SERVING", "NOT_SERVING", ... */
export function checkHealth(address: string, service = '', timeoutMs = 5000, security: ChannelSecurity = defaultChannelSecurity()): Promise<string> {
  const root = loadPackageDefinition(loadSync(healthProtoPath, { enums: String }));
  const client = new (constructorAt(root, 'grpc.health.v1.Health'))(address, security.credentials, security.options) as unknown as HealthClient;
  return new Promise((resolve, reject) => {
    client.Check({ service }, { deadline: Date.now() + timeoutMs }, (error, response) => {
      client.close();
      if (error) reject(error);
      else resolve(response.status);
    });
  });
}

/** One request/response exchange on grpc.reflection.v1 ServerReflectionInfo. */
function reflect(address: string, request: Record<string, string>, timeoutMs: number): Promise<ReflectionResponse> {
  const root = loadPackageDefinition(loadSync(REFLECTION_PROTO, { keepCase: true }));
  const security = defaultChannelSecurity();
  const client = new (constructorAt(root, 'grpc.reflection.v1.ServerReflection'))(address, security.credentials, security.options) as unknown as ReflectionClient;
  return new Promise((resolve, reject) => {
    const stream = client.ServerReflectionInfo({ deadline: Date.now() + timeoutMs });
    stream.on('data', (response: ReflectionResponse) => {
      stream.end();
      client.close();
      if (response.error_response) reject(new Error(response.error_response.error_message));
      else resolve(response);
    });
    stream.on('error', (error: Error) => {
      client.close();
      reject(error);
    });
    stream.write(request);
  });
}

/** Service names listed by reflection, sorted. */
export async function listServices(address: string, timeoutMs = 5000): Promise<string[]> {
  const response = await reflect(address, { list_services: '' }, timeoutMs);
  return (response.list_services_response?.service ?? []).map((entry) => entry.name).sort();
}

/** Asks reflection for the files defining `symbol` and returns how many descriptors came back. */
export async function fileContainingSymbol(address: string, symbol: string, timeoutMs = 5000): Promise<number> {
  const response = await reflect(address, { file_containing_symbol: symbol }, timeoutMs);
  return response.file_descriptor_response?.file_descriptor_proto.length ?? 0;
}
