// Caller authentication and authorisation, checked before any handler runs. A caller proves who it
// is with a bearer token (`authorization: Bearer <token>`, compared by SHA-256 digest) or with its
// verified client certificate (mutual TLS); it is then allowed only the methods its rule lists.
// Missing or unknown credentials → UNAUTHENTICATED; a known caller outside its methods → PERMISSION_DENIED.
import { createHash } from 'node:crypto';
import type { PeerCertificate } from 'node:tls';
import type { Metadata } from '@grpc/grpc-js';
import type { CallerRule } from '@aisle/config';
import { PermissionDeniedError, UnauthenticatedError } from './errors';

export type Authenticate = (metadata: Metadata, peer: PeerCertificate | undefined, methodPath: string) => string;

/** Names a client certificate answers to: its subject CN and its DNS and URI subject alternative names. */
export function certificateNames(peer: PeerCertificate | undefined): string[] {
  if (!peer || !peer.subject) return [];
  const names: string[] = [];
  const cn = peer.subject.CN as string | string[] | undefined;
  if (cn) names.push(...(Array.isArray(cn) ? cn : [cn]));
  for (const part of (peer.subjectaltname ?? '').split(',')) {
    const match = /^\s*(DNS|URI):(.+)$/.exec(part);
    if (match) names.push(match[2]!.trim());
  }
  return names;
}

/** Builds the check for `rules`; it returns the caller's name or throws the status error. */
export function callerAuthenticator(rules: readonly CallerRule[]): Authenticate {
  const byDigest = new Map(rules.filter((rule) => rule.tokenSha256).map((rule) => [rule.tokenSha256!, rule]));
  const byCertificate = new Map(rules.filter((rule) => rule.certificateName).map((rule) => [rule.certificateName!, rule]));
  return (metadata, peer, methodPath) => {
    const method = methodPath.slice(methodPath.lastIndexOf('/') + 1);
    const authorization = metadata.get('authorization');
    let rule: CallerRule | undefined;
    if (authorization.length > 0) {
      const match = authorization.length === 1 ? /^Bearer\s+(\S+)\s*$/i.exec(String(authorization[0])) : null;
      if (!match) throw new UnauthenticatedError('authorization must be one "Bearer <token>" header');
      rule = byDigest.get(createHash('sha256').update(match[1]!).digest('hex'));
      if (!rule) throw new UnauthenticatedError('unknown token');
    } else {
      rule = certificateNames(peer)
        .map((name) => byCertificate.get(name))
        .find(Boolean);
      if (!rule) throw new UnauthenticatedError('missing credentials: send "authorization: Bearer <token>" or a client certificate of a known caller');
    }
    if (!rule.methods.includes('*') && !rule.methods.includes(method)) throw new PermissionDeniedError(`caller ${rule.name} may not call ${method}`);
    return rule.name;
  };
}
