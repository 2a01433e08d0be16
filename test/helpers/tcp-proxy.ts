import { createServer, connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface TcpProxy {
  port: number;
  /** Destroys every open connection and refuses new ones: a network partition. */
  cut(): void;
  /** Accepts connections again. */
  restore(): void;
  /** Connections accepted so far (to see that a client reconnected). */
  readonly accepted: number;
  close(): Promise<void>;
}

/** A loopback TCP proxy to `target`, which a test can cut and restore (TLS passes through untouched). */
export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const open = new Set<Socket>();
  let down = false;
  let accepted = 0;
  const server = createServer((client) => {
    if (down) { client.destroy(); return; }
    accepted++;
    const upstream = connect(target.port, target.host);
    open.add(client); open.add(upstream);
    const drop = () => { client.destroy(); upstream.destroy(); open.delete(client); open.delete(upstream); };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    cut: () => { down = true; for (const s of open) s.destroy(); open.clear(); },
    restore: () => { down = false; },
    get accepted() { return accepted; },
    close: async () => { for (const s of open) s.destroy(); await new Promise<void>((r) => server.close(() => r())); },
  };
}
