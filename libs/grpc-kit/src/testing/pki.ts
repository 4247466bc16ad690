// Certificates for TLS tests, made by the test itself with the openssl CLI: a CA, a server
// certificate for 127.0.0.1/localhost, client certificates with chosen names, and a second, untrusted
// CA for certificates that must be refused. Everything lives in a temporary directory.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface CertificateFiles {
  certFile: string;
  keyFile: string;
}

export interface TestPki {
  dir: string;
  caFile: string;
  server: CertificateFiles;
  /** A client certificate signed by the trusted CA, named `name` (subject CN and DNS SAN). */
  client(name: string): CertificateFiles;
  /** A certificate named `name` signed by a CA nobody trusts. */
  untrusted(name: string): CertificateFiles;
  remove(): void;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: 'pipe' });
}

function newCa(dir: string, name: string): { certFile: string; keyFile: string } {
  const keyFile = join(dir, `${name}.key`);
  const certFile = join(dir, `${name}.pem`);
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '2', '-subj', `/CN=${name}`], dir);
  return { certFile, keyFile };
}

function leaf(dir: string, ca: { certFile: string; keyFile: string }, name: string, file: string): CertificateFiles {
  const keyFile = join(dir, `${file}.key`);
  const certFile = join(dir, `${file}.pem`);
  const csr = join(dir, `${file}.csr`);
  const ext = join(dir, `${file}.ext`);
  writeFileSync(ext, `subjectAltName=DNS:${name},DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth,clientAuth\n`);
  openssl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyFile, '-out', csr, '-subj', `/CN=${name}`], dir);
  openssl(['x509', '-req', '-in', csr, '-CA', ca.certFile, '-CAkey', ca.keyFile, '-CAcreateserial', '-out', certFile, '-days', '2', '-extfile', ext], dir);
  return { certFile, keyFile };
}

export function createTestPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'aisle-pki-'));
  const ca = newCa(dir, 'aisle-test-ca');
  let rogue: { certFile: string; keyFile: string } | undefined;
  let serial = 0;
  return {
    dir,
    caFile: ca.certFile,
    server: leaf(dir, ca, 'aisle-test-server', 'server'),
    client: (name) => leaf(dir, ca, name, `client-${serial++}`),
    untrusted: (name) => {
      rogue ??= newCa(dir, 'untrusted-ca');
      return leaf(dir, rogue, name, `untrusted-${serial++}`);
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
