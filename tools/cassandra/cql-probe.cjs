#!/usr/bin/env node
// Readiness probe for the development Cassandra: runs `SELECT release_version FROM system.local` and prints the
// version. Exit 0 when the query answered, 1 otherwise (the reason goes to stderr).
//
//   node cql-probe.cjs [host] [port] [timeout-ms]
//
// Uses the `cassandra-driver` npm package when it can be resolved (from the current directory, i.e. the repo
// root when cassandra.sh runs it); otherwise speaks CQL native protocol v4 itself, which for one unauthenticated
// query is only STARTUP -> READY, QUERY -> RESULT(Rows). No dependencies either way.
'use strict';

const net = require('node:net');

const host = process.argv[2] || '127.0.0.1';
const port = Number(process.argv[3] || 9042);
const timeoutMs = Number(process.argv[4] || 3000);
const QUERY = 'SELECT release_version FROM system.local';

function fail(message) {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

function loadDriver() {
  try {
    return require(require.resolve('cassandra-driver', { paths: [process.cwd()] }));
  } catch {
    return null;
  }
}

async function viaDriver(cassandra) {
  const client = new cassandra.Client({
    contactPoints: [`${host}:${port}`],
    localDataCenter: 'datacenter1', // SimpleSnitch's data centre name
    socketOptions: { connectTimeout: timeoutMs, readTimeout: timeoutMs },
    pooling: { warmup: false },
  });
  try {
    const rs = await client.execute(QUERY);
    return rs.first().get('release_version');
  } finally {
    await client.shutdown().catch(() => {});
  }
}

// --- minimal CQL native protocol v4 (https://github.com/apache/cassandra/blob/trunk/doc/native_protocol_v4.spec)
const OP = { ERROR: 0x00, STARTUP: 0x01, READY: 0x02, AUTHENTICATE: 0x03, QUERY: 0x07, RESULT: 0x08 };

function frame(stream, opcode, body) {
  const header = Buffer.alloc(9);
  header.writeUInt8(0x04, 0); // request, protocol v4
  header.writeUInt8(0x00, 1); // no flags
  header.writeInt16BE(stream, 2);
  header.writeUInt8(opcode, 4);
  header.writeInt32BE(body.length, 5);
  return Buffer.concat([header, body]);
}

function shortString(s) {
  const b = Buffer.from(s, 'utf8');
  const len = Buffer.alloc(2);
  len.writeUInt16BE(b.length);
  return Buffer.concat([len, b]);
}

function longString(s) {
  const b = Buffer.from(s, 'utf8');
  const len = Buffer.alloc(4);
  len.writeInt32BE(b.length);
  return Buffer.concat([len, b]);
}

class Reader {
  constructor(buf) {
    this.buf = buf;
    this.pos = 0;
  }
  int() {
    const v = this.buf.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }
  short() {
    const v = this.buf.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }
  string() {
    const n = this.short();
    const s = this.buf.toString('utf8', this.pos, this.pos + n);
    this.pos += n;
    return s;
  }
  bytes() {
    const n = this.int();
    if (n < 0) return null;
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }
  option() {
    const id = this.short();
    if (id === 0x0000) this.string(); // custom type: class name
    else if (id === 0x0020 || id === 0x0022) this.option(); // list, set
    else if (id === 0x0021) { this.option(); this.option(); } // map
    else if (id >= 0x0030) throw new Error(`unexpected column type 0x${id.toString(16)}`); // UDT, tuple
    return id;
  }
}

function parseRows(body) {
  const r = new Reader(body);
  const kind = r.int();
  if (kind !== 0x0002) throw new Error(`RESULT kind ${kind}, expected Rows`);
  const flags = r.int();
  const columns = r.int();
  if (flags & 0x0002) r.bytes(); // paging state
  if (!(flags & 0x0004)) {
    const globalSpec = flags & 0x0001;
    if (globalSpec) { r.string(); r.string(); }
    for (let i = 0; i < columns; i++) {
      if (!globalSpec) { r.string(); r.string(); }
      r.string(); // column name
      r.option();
    }
  }
  const rows = [];
  const count = r.int();
  for (let i = 0; i < count; i++) {
    const row = [];
    for (let c = 0; c < columns; c++) row.push(r.bytes());
    rows.push(row);
  }
  return rows;
}

function viaProtocol() {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    let pending = Buffer.alloc(0);
    const done = (err, value) => {
      socket.destroy();
      if (err) reject(err);
      else resolve(value);
    };
    socket.on('error', (err) => done(err));
    socket.on('connect', () => {
      const startup = Buffer.concat([Buffer.from([0x00, 0x01]), shortString('CQL_VERSION'), shortString('3.0.0')]);
      socket.write(frame(0, OP.STARTUP, startup));
    });
    socket.on('data', (chunk) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 9) {
        const length = pending.readInt32BE(5);
        if (pending.length < 9 + length) return;
        const opcode = pending.readUInt8(4);
        const body = pending.subarray(9, 9 + length);
        pending = pending.subarray(9 + length);
        try {
          if (opcode === OP.READY) {
            // [long string] query, [short] consistency ONE, [byte] no query flags
            const query = Buffer.concat([longString(QUERY), Buffer.from([0x00, 0x01, 0x00])]);
            socket.write(frame(1, OP.QUERY, query));
          } else if (opcode === OP.RESULT) {
            const rows = parseRows(body);
            const cell = rows[0] && rows[0][0];
            if (!cell) throw new Error('system.local returned no release_version');
            done(null, cell.toString('utf8'));
          } else if (opcode === OP.ERROR) {
            const r = new Reader(body);
            const code = r.int();
            throw new Error(`server error 0x${code.toString(16)}: ${r.string()}`);
          } else if (opcode === OP.AUTHENTICATE) {
            throw new Error('server requires authentication; the development node should use AllowAllAuthenticator');
          } else {
            throw new Error(`unexpected opcode 0x${opcode.toString(16)}`);
          }
        } catch (err) {
          done(err);
          return;
        }
      }
    });
  });
}

(async () => {
  const driver = loadDriver();
  try {
    const version = driver ? await viaDriver(driver) : await viaProtocol();
    process.stdout.write(`${version}\n`);
    process.exit(0);
  } catch (err) {
    fail(`${host}:${port} not ready (${driver ? 'cassandra-driver' : 'raw CQL v4'}): ${err && err.message ? err.message : err}`);
  }
})();
