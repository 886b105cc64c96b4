// A lean HTTP/1.1 keep-alive client for load tests: one request at a time per connection, requests written as one
// buffer, responses framed by Content-Length. node:http's client costs ~0.12 ms of CPU per request here, which on a
// two-core machine is CPU the server under test does not get; this one costs a fraction of that (like wrk, but in
// the same process as the rest of the harness). It speaks only what a load test needs: no chunked bodies, no
// redirects, no pipelining. Anything else is an error, never a silent miscount.
import net from 'node:net';

const HEADER_END = Buffer.from('\r\n\r\n');

/**
 * Opens `count` connections to host:port. `request(method, path, headers, body)` takes the next free connection (or
 * waits for one) and resolves with `{ status, body, ms }`; `close()` ends every connection.
 */
export function openConnections(host, port, count) {
  const idle = [];
  const waiting = [];
  const all = [];
  for (let i = 0; i < count; i++) {
    const connection = connect(host, port);
    all.push(connection);
    idle.push(connection);
  }
  const take = () => (idle.length > 0 ? Promise.resolve(idle.pop()) : new Promise((resolve) => waiting.push(resolve)));
  const give = (used) => {
    // A connection the server closed (idle timeout between phases) is replaced, as a keep-alive agent would.
    let connection = used;
    if (used.socket.destroyed) {
      connection = connect(host, port);
      all[all.indexOf(used)] = connection;
    }
    const next = waiting.shift();
    if (next !== undefined) next(connection);
    else idle.push(connection);
  };
  return {
    async request(method, path, headers, body) {
      const connection = await take();
      try {
        return await connection.send(method, path, headers, body);
      } finally {
        give(connection);
      }
    },
    close() {
      for (const connection of all) connection.socket.destroy();
    },
  };
}

function connect(host, port) {
  const socket = net.connect({ host, port, noDelay: true });
  socket.setKeepAlive(true);
  let pending;
  let chunks = [];
  let received = 0;
  let bodyStart = -1;
  let expected = -1;
  let status = 0;

  const fail = (error) => {
    const p = pending;
    pending = undefined;
    p?.reject(error);
  };
  socket.on('error', fail);
  socket.on('close', () => fail(new Error('connection closed by the server')));
  socket.on('data', (chunk) => {
    if (pending === undefined) return fail(new Error('data without a request'));
    chunks.push(chunk);
    received += chunk.length;
    if (bodyStart === -1) {
      const all = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
      chunks = [all];
      const end = all.indexOf(HEADER_END);
      if (end === -1) return;
      const head = all.toString('latin1', 0, end);
      status = Number(head.slice(9, 12));
      const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
      if (length === null) return fail(new Error(`response without Content-Length: ${head.split('\r\n')[0]}`));
      expected = Number(length[1]);
      bodyStart = end + 4;
    }
    if (received - bodyStart < expected) return;
    if (received - bodyStart > expected) return fail(new Error('more bytes than Content-Length (pipelining?)'));
    const all = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
    const p = pending;
    pending = undefined;
    const response = {
      status,
      body: all.toString('utf8', bodyStart),
      ms: Number(process.hrtime.bigint() - p.started) / 1e6,
    };
    chunks = [];
    received = 0;
    bodyStart = -1;
    expected = -1;
    p.resolve(response);
  });

  return {
    socket,
    send(method, path, headers, body) {
      return new Promise((resolve, reject) => {
        let head = `${method} ${path} HTTP/1.1\r\nhost: ${host}:${port}\r\n`;
        for (const [name, value] of Object.entries(headers)) head += `${name}: ${value}\r\n`;
        const payload = body === undefined ? undefined : Buffer.from(body);
        if (payload !== undefined) head += `content-length: ${payload.length}\r\n`;
        head += '\r\n';
        pending = { resolve, reject, started: process.hrtime.bigint() };
        socket.write(payload === undefined ? head : Buffer.concat([Buffer.from(head, 'latin1'), payload]));
      });
    },
  };
}
