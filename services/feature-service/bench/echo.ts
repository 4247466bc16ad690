// The baseline: a bare grpc-js unary echo (no interceptors, no validation, no store), in the same
// process as the server under test, so ratios cancel out the machine and the transport.
import { credentials, makeGenericClientConstructor, Server, ServerCredentials, type Client, type ServiceError } from '@grpc/grpc-js';

const identity = (buffer: Buffer) => buffer;
const definition = {
  echo: { path: '/bench.Echo/Echo', requestStream: false, responseStream: false, requestSerialize: identity, requestDeserialize: identity, responseSerialize: identity, responseDeserialize: identity },
};

export async function startEcho(): Promise<{ call: (payload: Buffer) => Promise<Buffer>; stop: () => void }> {
  const server = new Server();
  server.addService(definition, { echo: (call: { request: Buffer }, callback: (error: null, response: Buffer) => void) => callback(null, call.request) });
  const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))));
  const client = new (makeGenericClientConstructor(definition, 'Echo'))(`127.0.0.1:${port}`, credentials.createInsecure()) as unknown as Client & {
    echo: (request: Buffer, options: { deadline: number }, callback: (error: ServiceError | null, response: Buffer) => void) => void;
  };
  return {
    call: (payload) => new Promise((resolve, reject) => client.echo(payload, { deadline: Date.now() + 5000 }, (error, response) => (error ? reject(error) : resolve(response)))),
    stop: () => {
      client.close();
      server.forceShutdown();
    },
  };
}
