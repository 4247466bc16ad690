#!/usr/bin/env node
// The image's HEALTHCHECK, and the Kubernetes exec probe where the server speaks TLS (the kubelet's
// native gRPC probe is plaintext only): grpc.health.v1.Health/Check of the whole server ("") on this
// container's port. Exit 0 when SERVING, 1 otherwise.
//
//   node healthcheck.js --port 50051 [--port-env AISLE_RANKER_PORT] [--tls-server-name ranker]
//
// --port-env names the variable that may override the port. TLS follows the server's own settings:
// with AISLE_TLS_CERT_FILE set the check dials TLS, trusting AISLE_TLS_CA_FILE and presenting the
// same certificate (mutual TLS), and expects the certificate to name --tls-server-name (default
// AISLE_TLS_SERVER_NAME, else localhost).
'use strict';
const { readFileSync } = require('node:fs');
const { parseArgs } = require('node:util');
const grpc = require('@grpc/grpc-js');
const { service: healthService } = require('grpc-health-check');

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    'port-env': { type: 'string' },
    'tls-server-name': { type: 'string' },
    timeout: { type: 'string', default: '2000' },
  },
});
const port = (values['port-env'] && process.env[values['port-env']]) || values.port;
if (!port) {
  console.error('healthcheck: --port is required');
  process.exit(2);
}

function credentials() {
  const certFile = process.env.AISLE_TLS_CERT_FILE;
  if (!certFile) return { credentials: grpc.credentials.createInsecure(), options: {} };
  const ca = process.env.AISLE_TLS_CA_FILE ? readFileSync(process.env.AISLE_TLS_CA_FILE) : null;
  const key = readFileSync(process.env.AISLE_TLS_KEY_FILE ?? '');
  const serverName = values['tls-server-name'] || process.env.AISLE_TLS_SERVER_NAME || 'localhost';
  return {
    credentials: grpc.credentials.createSsl(ca, key, readFileSync(certFile)),
    options: { 'grpc.ssl_target_name_override': serverName, 'grpc.default_authority': serverName },
  };
}

const Health = grpc.makeGenericClientConstructor(healthService, 'Health');
const { credentials: creds, options } = credentials();
const client = new Health(`127.0.0.1:${port}`, creds, options);
/** @param {Error | null} error @param {{ status: string }} response */
function report(error, response) {
  client.close();
  if (error) {
    console.error(`healthcheck: ${error.message}`);
    process.exit(1);
  }
  if (response.status !== 'SERVING') {
    console.error(`healthcheck: ${response.status}`);
    process.exit(1);
  }
  process.exit(0);
}
client.Check({ service: '' }, { deadline: Date.now() + Number(values.timeout) }, report);
