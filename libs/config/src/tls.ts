// TLS between Aisle processes, one setting for both sides of every connection: a server presents
// AISLE_TLS_CERT_FILE/AISLE_TLS_KEY_FILE and, with AISLE_TLS_CLIENT_AUTH=require, accepts only clients
// whose certificate AISLE_TLS_CA_FILE signed (mutual TLS); a client verifies servers against
// AISLE_TLS_CA_FILE (the system roots when unset) and presents the same certificate as its identity.
// Nothing set means plaintext, so a laptop stack runs as is.
import { ConfigError, loadConfig } from './load';
import { oneOf, text } from './fields';
import { readConfigFile } from './secrets';

export type ClientAuth = 'none' | 'require';

export interface TlsSettings {
  /** PEM certificate chain of this process (server certificate, and client certificate for mTLS). */
  cert?: Buffer;
  /** PEM private key of `cert`. */
  key?: Buffer;
  /** PEM CA bundle that signs the peers' certificates. */
  ca?: Buffer;
  /** Whether a server requires a client certificate signed by `ca`. */
  clientAuth: ClientAuth;
  /** Name expected in servers' certificates instead of the host of the address dialled. */
  serverName?: string;
}

/** The TLS settings of this process, or undefined for plaintext. Files are read now: a bad path stops start-up. */
export function loadTlsSettings(env: NodeJS.ProcessEnv = process.env): TlsSettings | undefined {
  const config = loadConfig(
    {
      AISLE_TLS_CERT_FILE: text(''),
      AISLE_TLS_KEY_FILE: text(''),
      AISLE_TLS_CA_FILE: text(''),
      AISLE_TLS_CLIENT_AUTH: oneOf(['none', 'require'] as const, 'none'),
      AISLE_TLS_SERVER_NAME: text(''),
    },
    env,
  );
  const problems: string[] = [];
  if (config.AISLE_TLS_CERT_FILE && !config.AISLE_TLS_KEY_FILE) problems.push('AISLE_TLS_KEY_FILE is required when AISLE_TLS_CERT_FILE is set');
  if (config.AISLE_TLS_KEY_FILE && !config.AISLE_TLS_CERT_FILE) problems.push('AISLE_TLS_CERT_FILE is required when AISLE_TLS_KEY_FILE is set');
  if (config.AISLE_TLS_CLIENT_AUTH === 'require' && !config.AISLE_TLS_CA_FILE) problems.push('AISLE_TLS_CA_FILE is required when AISLE_TLS_CLIENT_AUTH=require (it signs the accepted client certificates)');
  if (config.AISLE_TLS_CLIENT_AUTH === 'require' && !config.AISLE_TLS_CERT_FILE) problems.push('AISLE_TLS_CERT_FILE is required when AISLE_TLS_CLIENT_AUTH=require');
  if (problems.length > 0) throw new ConfigError(problems);
  if (!config.AISLE_TLS_CERT_FILE && !config.AISLE_TLS_CA_FILE) return undefined;

  const read = (variable: 'AISLE_TLS_CERT_FILE' | 'AISLE_TLS_KEY_FILE' | 'AISLE_TLS_CA_FILE') => {
    const path = config[variable];
    if (!path) return undefined;
    try {
      return readConfigFile(variable, path);
    } catch (error) {
      problems.push(...(error as ConfigError).problems);
      return undefined;
    }
  };
  const settings: TlsSettings = {
    cert: read('AISLE_TLS_CERT_FILE'),
    key: read('AISLE_TLS_KEY_FILE'),
    ca: read('AISLE_TLS_CA_FILE'),
    clientAuth: config.AISLE_TLS_CLIENT_AUTH,
    serverName: config.AISLE_TLS_SERVER_NAME || undefined,
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return settings;
}
