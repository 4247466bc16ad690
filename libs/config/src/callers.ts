// Who may call a server, from the JSON file a variable names (e.g. AISLE_RANKER_CALLERS_FILE):
//
//   { "callers": [
//       { "name": "checkout", "tokenSha256": "<sha256 hex of the caller's token>", "methods": ["Rank"] },
//       { "name": "batch", "certificateName": "batch.aisle.internal", "methods": ["*"] } ] }
//
// The file holds SHA-256 digests, never tokens, so it is not itself a secret. A caller is recognised
// by its bearer token or by the name in its verified client certificate (CN or a DNS/URI SAN, mTLS).
import { ConfigError } from './load';
import { readConfigFile } from './secrets';

export interface CallerRule {
  name: string;
  /** Lower-case hex SHA-256 of the caller's bearer token. */
  tokenSha256?: string;
  /** Subject CN or DNS/URI subject alternative name of the caller's client certificate. */
  certificateName?: string;
  /** Methods it may call, by proto name ("Rank"), or "*" for every method. */
  methods: string[];
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** The caller rules in the file `variable` names, or undefined when the variable is unset (no authentication). */
export function loadCallers(variable: string, env: NodeJS.ProcessEnv = process.env): CallerRule[] | undefined {
  const path = env[variable]?.trim();
  if (!path) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readConfigFile(variable, path).toString('utf8'));
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError([`${variable} is not valid JSON (${path})`]);
  }
  const list = (parsed as { callers?: unknown } | null)?.callers;
  if (!Array.isArray(list)) throw new ConfigError([`${variable} must hold {"callers": [...]} (${path})`]);
  const problems: string[] = [];
  const names = new Set<string>();
  const digests = new Set<string>();
  const rules = list.map((entry: Record<string, unknown>, index): CallerRule => {
    const at = `${variable} callers[${index}]`;
    const name = typeof entry?.name === 'string' ? entry.name : '';
    if (!name) problems.push(`${at}.name must be a non-empty string`);
    else if (names.has(name)) problems.push(`${at}.name "${name}" appears twice`);
    names.add(name);
    const tokenSha256 = typeof entry?.tokenSha256 === 'string' ? entry.tokenSha256.toLowerCase() : undefined;
    if (entry?.tokenSha256 !== undefined && !SHA256_HEX.test(tokenSha256 ?? '')) problems.push(`${at}.tokenSha256 must be 64 hex characters (the SHA-256 of the token, not the token)`);
    if (tokenSha256 && digests.has(tokenSha256)) problems.push(`${at}.tokenSha256 is shared with another caller`);
    if (tokenSha256) digests.add(tokenSha256);
    const certificateName = typeof entry?.certificateName === 'string' && entry.certificateName ? entry.certificateName : undefined;
    if (!tokenSha256 && !certificateName) problems.push(`${at} needs tokenSha256 or certificateName`);
    const methods = entry?.methods;
    if (!Array.isArray(methods) || !methods.every((method) => typeof method === 'string' && method !== '')) problems.push(`${at}.methods must be a list of method names or "*"`);
    return { name, tokenSha256, certificateName, methods: Array.isArray(methods) ? (methods as string[]) : [] };
  });
  if (problems.length > 0) throw new ConfigError(problems);
  return rules;
}
