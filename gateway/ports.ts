import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';

/**
 * A free TCP port on 127.0.0.1 for a server that starts later (a test's or the local stack's).
 * Chosen below the kernel's ephemeral range: a port from that range (what binding port 0 gives)
 * can be taken meanwhile by any outgoing connection's local end, and the local stack makes many
 * (its real node's portal forwards every kubelet and API server connection over loopback).
 */
const EPHEMERAL_START = (() => {
  try { return Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]) || 32768; } catch { return 32768; }
})();
const LOWEST = 10_000;

function tryListen(port: number): Promise<number | null> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', () => resolve(null));
    srv.listen(port, '127.0.0.1', () => {
      const bound = (srv.address() as { port: number }).port;
      srv.close(() => resolve(bound));
    });
  });
}

/**
 * Processes that pick ports at the same time (a test run's parallel files, the stacks they start)
 * must not hand out the same one before its server binds it: each port handed out is reserved for
 * a while by a file created exclusively in a folder they share.
 */
const RESERVATIONS = join(tmpdir(), 'yunbang-port-reservations');
const RESERVED_MS = 120_000;

function reserve(port: number): boolean {
  const file = join(RESERVATIONS, String(port));
  try {
    mkdirSync(RESERVATIONS, { recursive: true });
    writeFileSync(file, `${process.pid}\n`, { flag: 'wx' });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') return true; // no shared folder: go on unreserved
    try {
      if (Date.now() - statSync(file).mtimeMs < RESERVED_MS) return false; // someone else's, recently
      writeFileSync(file, `${process.pid}\n`); // an old one: its server has bound the port by now, or never will
      return true;
    } catch { return false; }
  }
}

export async function freeLoopbackPort(): Promise<number> {
  if (EPHEMERAL_START > LOWEST + 1000) {
    for (let i = 0; i < 50; i++) {
      const candidate = LOWEST + Math.floor(Math.random() * (EPHEMERAL_START - LOWEST));
      if (!reserve(candidate)) continue;
      const port = await tryListen(candidate);
      if (port !== null) return port;
    }
  }
  const port = await tryListen(0);
  if (port === null) throw new Error('no free port on 127.0.0.1');
  return port;
}
