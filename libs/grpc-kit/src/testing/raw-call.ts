// Calls a method with arbitrary bytes as its request, the way a buggy or hostile client could: no
// generated code, so tests can send undecodable, oversized or unknown-field messages.
import { Client, Metadata, status, type ServiceError, type StatusObject } from '@grpc/grpc-js';
import { defaultChannelSecurity, type ChannelSecurity } from '../tls';

export interface RawOutcome {
  code: status;
  details: string;
  metadata: Metadata;
}

export interface RawCallOptions {
  /** Absolute deadline (ms since the epoch); default 10 s from now. */
  deadline?: number;
  metadata?: Metadata;
  /** Server-streaming method: the stream is drained and its final status returned. */
  responseStream?: boolean;
}

export class RawClient {
  private readonly client: Client;

  constructor(address: string, security: ChannelSecurity = defaultChannelSecurity()) {
    this.client = new Client(address, security.credentials, { ...security.options, 'grpc.max_send_message_length': -1, 'grpc.max_receive_message_length': -1 });
  }

  call(path: string, request: Buffer, options: RawCallOptions = {}): Promise<RawOutcome> {
    const identity = (buffer: Buffer) => buffer;
    const metadata = options.metadata ?? new Metadata();
    const callOptions = { deadline: options.deadline ?? Date.now() + 10_000 };
    return new Promise((resolve) => {
      if (options.responseStream) {
        const stream = this.client.makeServerStreamRequest(path, identity, identity, request, metadata, callOptions);
        stream.on('data', () => undefined);
        stream.on('error', () => undefined);
        stream.on('status', (final: StatusObject) => resolve({ code: final.code, details: final.details, metadata: final.metadata }));
        return;
      }
      this.client.makeUnaryRequest(path, identity, identity, request, metadata, callOptions, (error: ServiceError | null) => {
        resolve(error ? { code: error.code, details: error.details, metadata: error.metadata } : { code: status.OK, details: '', metadata: new Metadata() });
      });
    });
  }

  close(): void {
    this.client.close();
  }
}
