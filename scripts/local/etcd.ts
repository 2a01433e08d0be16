import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startProcess, stopProcess, waitFor } from './proc.js';

/** `pid`: for fault tests that pause it (SIGSTOP) as a hung server would be. */
export interface LocalEtcd { endpoint: string; pid: number | undefined; stop(): Promise<void> }

/** A real etcd (Debian's etcd-server) on loopback, with its own data directory. */
export async function startEtcd(opts: { name: string; dir: string; port: number; peerPort: number; logDir: string; pidDir?: string }): Promise<LocalEtcd> {
  mkdirSync(opts.dir, { recursive: true });
  const endpoint = `http://127.0.0.1:${opts.port}`;
  const logFile = join(opts.logDir, `${opts.name}.log`);
  const child = startProcess('etcd', [
    '--name', opts.name, '--data-dir', opts.dir, '--logger=zap', '--log-level=warn',
    '--listen-client-urls', endpoint, '--advertise-client-urls', endpoint,
    '--listen-peer-urls', `http://127.0.0.1:${opts.peerPort}`,
    '--initial-advertise-peer-urls', `http://127.0.0.1:${opts.peerPort}`,
    '--initial-cluster', `${opts.name}=http://127.0.0.1:${opts.peerPort}`,
  ], logFile, { pidFile: opts.pidDir ? join(opts.pidDir, `${opts.name}.pid`) : undefined });
  await waitFor(`etcd ${opts.name}`, async () => (await fetch(`${endpoint}/health`)).ok, 20_000, child, logFile);
  return { endpoint, pid: child.pid, stop: () => stopProcess(child) };
}
