// The one place TLS settings become grpc-js credentials, for servers and for clients. Without
// settings both sides are plaintext (the laptop default); see loadTlsSettings in @aisle/config.
import { credentials, ServerCredentials, type ChannelCredentials, type ChannelOptions } from '@grpc/grpc-js';
import { loadTlsSettings, type TlsSettings } from '@aisle/config';

export function serverCredentials(tls: TlsSettings | undefined): ServerCredentials {
  if (!tls) return ServerCredentials.createInsecure();
  if (!tls.cert || !tls.key) throw new Error('a TLS server needs a certificate and its key');
  const requireClientCert = tls.clientAuth === 'require';
  return ServerCredentials.createSsl(requireClientCert ? (tls.ca ?? null) : null, [{ cert_chain: tls.cert, private_key: tls.key }], requireClientCert);
}

export interface ChannelSecurity {
  credentials: ChannelCredentials;
  /** Channel options that go with the credentials (the expected server name, when overridden). */
  options: ChannelOptions;
}

/** Client credentials: verify servers against `ca` (system roots when absent), present `cert` when given. */
export function channelSecurity(tls: TlsSettings | undefined): ChannelSecurity {
  if (!tls) return { credentials: credentials.createInsecure(), options: {} };
  const channelCredentials = credentials.createSsl(tls.ca ?? null, tls.cert && tls.key ? tls.key : null, tls.cert && tls.key ? tls.cert : null);
  return { credentials: channelCredentials, options: tls.serverName ? { 'grpc.ssl_target_name_override': tls.serverName, 'grpc.default_authority': tls.serverName } : {} };
}

/** Client credentials of this process, from AISLE_TLS_* (what every Aisle client uses unless told otherwise). */
export function defaultChannelSecurity(env: NodeJS.ProcessEnv = process.env): ChannelSecurity {
  return channelSecurity(loadTlsSettings(env));
}
