import { spawn } from 'node:child_process';
import { request } from 'node:http';

/** One GET on a connection of its own, to a gateway on loopback for `host`: its status, 0 when it failed or took over 10 s. */
export function statusOf(port: number, host: string, path = '/'): Promise<number> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host }, agent: false, timeout: 10_000 }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode ?? 0)); });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
    req.end();
  });
}

/** autocannon in a process of its own, so the client does not share an event loop with what it measures. */
export function autocannon(url: string, host: string | null, seconds: number): Promise<{ rps: number; p50: number; p99: number; errors: number; non2xx: number }> {
  const args = ['node_modules/autocannon/autocannon.js', '-c', '10', '-d', String(seconds), '-j', ...(host ? ['-H', `host=${host}`] : []), url];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'ignore'] });
    let text = '';
    child.stdout!.on('data', (d) => { text += d; });
    child.on('exit', (code) => {
      try {
        const r = JSON.parse(text);
        resolve({ rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors, non2xx: r.non2xx });
      } catch { reject(new Error(`autocannon exited ${code}: ${text.slice(0, 200)}`)); }
    });
  });
}
