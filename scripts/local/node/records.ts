import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { alive } from '../../../src/proc/leftovers.js';
import { cleanNode } from './clean.js';

/**
 * A record per running node, in /run (which, like the namespaces, does not outlive a reboot):
 * which directory and cgroup tree it has, and which process owns it. A node whose owner is gone
 * was left by a run killed outright, wherever its directory was (a test stack's lives in a
 * temporary directory no later run would look in): any later start of a node cleans it.
 */
const RECORDS = '/run/yunbang/nodes';

export interface NodeRecord { network: string; dir: string; cgroupRoot: string; owner: number }

export function recordNode(r: NodeRecord): void {
  mkdirSync(RECORDS, { recursive: true });
  writeFileSync(join(RECORDS, `${r.network}.json`), JSON.stringify(r));
}

export function forgetNode(network: string): void {
  rmSync(join(RECORDS, `${network}.json`), { force: true });
}

/** Cleans every node whose owner no longer runs; returns what was cleaned. */
export function sweepOrphanedNodes(): string[] {
  if (!existsSync(RECORDS)) return [];
  const out: string[] = [];
  for (const f of readdirSync(RECORDS).filter((n) => n.endsWith('.json'))) {
    let r: NodeRecord;
    try { r = JSON.parse(readFileSync(join(RECORDS, f), 'utf8')) as NodeRecord; } catch { rmSync(join(RECORDS, f), { force: true }); continue; }
    if (r.owner === process.pid || alive(r.owner)) continue;
    const found = cleanNode(r);
    if (found.length) out.push(`${r.network} (${found.join(', ')})`);
    forgetNode(r.network);
  }
  return out;
}
