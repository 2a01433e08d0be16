import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startProcess, stopProcess, waitFor } from '../proc.js';

const MAIN = fileURLToPath(new URL('./dns-main.ts', import.meta.url));
/** The repository, where `--import tsx` finds tsx. */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * Starts the cluster DNS (dns-main.ts) inside the node's namespace. It says it listens only once
 * its watches of Services and Endpoints have synced, so from then on it answers for all of them.
 */
export async function startClusterDns(o: { prefix: string[]; address: string; kubeconfig: string; logDir: string; pidDir: string }): Promise<{ stop(): Promise<void> }> {
  const logFile = join(o.logDir, 'cluster-dns.log');
  const child = startProcess(o.prefix[0]!, [...o.prefix.slice(1), `--wd=${ROOT}`, process.execPath, '--import', 'tsx', MAIN, o.address, o.kubeconfig], logFile, { pidFile: join(o.pidDir, 'cluster-dns.pid') });
  await waitFor('the cluster DNS', async () => readFileSync(logFile, 'utf8').includes(`cluster DNS on ${o.address}:53`), 30_000, child, logFile);
  return { stop: () => stopProcess(child) };
}
