// A bare grpc-js echo server (no Aisle code on the path): the baseline every Rank figure is divided
// by. Prints its address and serves until SIGTERM.
import { Server, ServerCredentials, type ServiceDefinition } from '@grpc/grpc-js';

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

if (require.main === module) {
  const server = new Server();
  server.addService(ECHO_SERVICE, { echo: (call: { request: Buffer }, callback: (error: null, value: Buffer) => void) => callback(null, call.request) });
  server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, port) => {
    if (error) throw error;
    console.log(JSON.stringify({ msg: 'listening', address: `127.0.0.1:${port}` }));
  });
  process.once('SIGTERM', () => server.tryShutdown(() => process.exit(0)));
}
