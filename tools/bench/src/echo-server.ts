// A bare grpc-js echo server (no Aisle code on the path): the baseline every figure of the bench is
// divided by. Run as its own process, like the services; prints its address and serves until SIGTERM.
import { makeGenericClientConstructor, Server, ServerCredentials, type Client, type Metadata, type ServiceDefinition, type ServiceError } from '@grpc/grpc-js';

export const ECHO_METHOD = {
  path: '/bench.Echo/Echo',
  requestStream: false,
  responseStream: false,
  requestSerialize: (value: Buffer) => value,
  requestDeserialize: (value: Buffer) => value,
  responseSerialize: (value: Buffer) => value,
  responseDeserialize: (value: Buffer) => value,
} as const;

export const ECHO_SERVICE: ServiceDefinition = { echo: ECHO_METHOD };

export type EchoClient = Client & {
  echo(request: Buffer, metadata: Metadata, options: { deadline: number }, callback: (error: ServiceError | null, response: Buffer) => void): unknown;
};

export const ECHO_CLIENT = makeGenericClientConstructor(ECHO_SERVICE, 'Echo');

if (require.main === module) {
  const server = new Server();
  server.addService(ECHO_SERVICE, { echo: (call: { request: Buffer }, callback: (error: null, value: Buffer) => void) => callback(null, call.request) });
  server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, port) => {
    if (error) throw error;
    console.log(JSON.stringify({ msg: 'listening', address: `127.0.0.1:${port}` }));
  });
  process.once('SIGTERM', () => server.tryShutdown(() => process.exit(0)));
}
