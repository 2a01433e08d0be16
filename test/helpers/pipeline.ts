import { connect } from 'node:net';

export interface PipedRequest { method: 'GET' | 'POST'; path: string; host: string; body?: string }
export interface PipedResponse { status: number; headers: Record<string, string>; body: string }

/**
 * An HTTP/1.1 client that pipelines its requests on one connection, as RFC 9112 §9.3.2 has it:
 * the responses come in the order of the requests, and if the server closes the connection
 * before answering them all (nginx does after a reload, once the request in hand is answered),
 * the unanswered ones are sent again on a new connection. Node's own client cannot pipeline.
 */
export async function pipelined(port: number, requests: PipedRequest[], o: { timeoutMs?: number } = {}): Promise<{ responses: PipedResponse[]; connections: number }> {
  const responses: PipedResponse[] = [];
  let connections = 0;
  const deadline = Date.now() + (o.timeoutMs ?? 60_000);
  while (responses.length < requests.length) {
    if (Date.now() > deadline || connections >= 10) throw new Error(`${requests.length - responses.length} request(s) unanswered after ${connections} connection(s)`);
    connections++;
    const pending = requests.slice(responses.length);
    responses.push(...await oneConnection(port, pending, deadline - Date.now()));
  }
  return { responses, connections };
}

function oneConnection(port: number, reqs: PipedRequest[], timeoutMs: number): Promise<PipedResponse[]> {
  return new Promise((resolve, reject) => {
    const out: PipedResponse[] = [];
    let buf = Buffer.alloc(0);
    const s = connect(port, '127.0.0.1');
    const timer = setTimeout(() => { s.destroy(); reject(new Error('no answer in time')); }, timeoutMs);
    const finish = () => { clearTimeout(timer); resolve(out); };
    s.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      for (let r = parseOne(buf); r; r = parseOne(buf)) {
        out.push(r.response);
        buf = buf.subarray(r.used);
        if (out.length === reqs.length) { s.end(); finish(); return; }
      }
    });
    s.on('error', () => finish()); // a reset: what was answered counts, the rest goes again
    s.on('close', finish);
    s.write(reqs.map((q) => {
      const body = q.body ?? '';
      return `${q.method} ${q.path} HTTP/1.1\r\nHost: ${q.host}\r\n${q.method === 'POST' ? `Content-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` : ''}\r\n${body}`;
    }).join(''));
  });
}

/** One whole response at the start of `buf` (Content-Length or chunked), or undefined until it has all arrived. */
function parseOne(buf: Buffer): { response: PipedResponse; used: number } | undefined {
  const end = buf.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const [statusLine, ...lines] = buf.subarray(0, end).toString('latin1').split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine!)?.[1]);
  const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
  let at = end + 4;
  if (headers['transfer-encoding']?.includes('chunked')) {
    const parts: Buffer[] = [];
    for (;;) {
      const eol = buf.indexOf('\r\n', at);
      if (eol < 0) return undefined;
      const size = parseInt(buf.subarray(at, eol).toString('latin1'), 16);
      if (buf.length < eol + 2 + size + 2) return undefined;
      parts.push(buf.subarray(eol + 2, eol + 2 + size));
      at = eol + 2 + size + 2;
      if (size === 0) break;
    }
    return { response: { status, headers, body: Buffer.concat(parts).toString('utf8') }, used: at };
  }
  const length = Number(headers['content-length'] ?? 0);
  if (buf.length < at + length) return undefined;
  return { response: { status, headers, body: buf.subarray(at, at + length).toString('utf8') }, used: at + length };
}
