import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startProcess, stopProcess, waitFor } from '../proc.js';

/**
 * A real OCI registry (Debian's docker-registry 2.8) inside the node's namespace: containerd pulls
 * from it on the node's loopback, build pods push to it at the node's address. Its storage is the
 * machine's image cache (~/.cache/yunbang/registry), so images built once serve every later stack.
 */
export const REGISTRY_PORT = 5000;

/** `addr` is the node's namespace's every address by default; a registry on the machine's own side listens on loopback only. */
export function renderRegistryConfig(storage: string, port = REGISTRY_PORT, host = '0.0.0.0'): string {
  return `version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: ${storage}
  delete:
    enabled: true
http:
  addr: ${host}:${port}
`;
}

export async function startRegistry(o: { storage: string; dir: string; prefix: string[]; logDir: string; pidDir: string; probe: () => Promise<boolean>; listen?: { host: string; port: number } }): Promise<{ stop(): Promise<void> }> {
  mkdirSync(o.storage, { recursive: true });
  mkdirSync(o.dir, { recursive: true });
  const config = join(o.dir, 'registry.yml');
  writeFileSync(config, renderRegistryConfig(o.storage, o.listen?.port, o.listen?.host));
  const logFile = join(o.logDir, 'registry.log');
  // A random HTTP secret per start is what the registry does anyway; set it to say so.
  const child = startProcess(o.prefix[0]!, [...o.prefix.slice(1), 'docker-registry', 'serve', config], logFile, { pidFile: join(o.pidDir, 'registry.pid') });
  await waitFor('the image registry', o.probe, 20_000, child, logFile);
  return { stop: () => stopProcess(child) };
}

/** Where the registry front listens inside the node's namespace (containerd's hosts.toml for registry.example). */
export const FRONT_ADDRESS = '127.0.0.1:5001';
const FRONT_MAIN = fileURLToPath(new URL('./registry-front-main.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Starts the registry front (registry-front-main.ts) inside the node's namespace, before containerd. */
export async function startRegistryFront(o: { prefix: string[]; repository: string; logDir: string; pidDir: string }): Promise<{ stop(): Promise<void> }> {
  const logFile = join(o.logDir, 'registry-front.log');
  const child = startProcess(o.prefix[0]!, [...o.prefix.slice(1), `--wd=${ROOT}`, process.execPath, '--import', 'tsx', FRONT_MAIN, FRONT_ADDRESS, `127.0.0.1:${REGISTRY_PORT}`, o.repository], logFile, { pidFile: join(o.pidDir, 'registry-front.pid') });
  await waitFor('the registry front', async () => readFileSync(logFile, 'utf8').includes(`registry front on ${FRONT_ADDRESS}`), 30_000, child, logFile);
  return { stop: () => stopProcess(child) };
}
