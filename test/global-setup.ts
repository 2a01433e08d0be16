import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startStack, type NodeKind, type Stack } from '../scripts/local/stack.js';

/**
 * Starts one local stack for the whole run (real PostgreSQL, etcd, kube-apiserver,
 * kube-controller-manager and the nodes below) on ports of its own, and tears it down.
 * Test files isolate themselves inside it: a database per file, names unique per test.
 */
declare module 'vitest' {
  export interface ProvidedContext {
    /** KUBECONFIG is the admin's, for assertions; the platform under test runs as WORKER_/API_KUBECONFIG (k8s/install's RBAC). */
    stack: {
      DATABASE_URL: string; ETCD_ENDPOINTS: string; KUBECONFIG: string; WORKER_KUBECONFIG: string; API_KUBECONFIG: string; PG_ADMIN_URL: string; dir: string;
      /** `local-2` (its own control plane, etcd and simulated node), for placement and migration tests; `local-3`, the real node's cluster. */
      extraClusters: import('../scripts/local/stack.js').ExtraCluster[];
      /** `local`'s real node, when it has one (the default; not with YUNBANG_TEST_NODE=simulated). */
      realNode?: import('../scripts/local/stack.js').RealNodeInfo;
    };
  }
}

/**
 * By default `local` has the real node (containerd, runc, the kubelet), as `npm start` does, and
 * `local-2` and `local-3` simulated ones (test/clusters.test.ts: one gateway for two clusters'
 * pods; helpers/node-env.ts simulatedCluster). YUNBANG_TEST_NODE=simulated gives `local` and
 * `local-2` simulated nodes and `local-3` the real one, where test/real-node*.test.ts run.
 */
function testNodes(): NodeKind[] {
  const choice = process.env.YUNBANG_TEST_NODE ?? 'real';
  if (choice !== 'real' && choice !== 'simulated') throw new Error(`YUNBANG_TEST_NODE must be real or simulated, not "${choice}"`);
  return choice === 'real' ? ['real', 'simulated', 'simulated'] : ['simulated', 'simulated', 'real'];
}

let stack: Stack | undefined;
let dir: string | undefined;

export async function setup(project: TestProject) {
  dir = mkdtempSync(join(tmpdir(), 'yunbang-test-'));
  const started = Date.now();
  stack = await startStack({ dir, ports: 'random', persistent: false, nodes: testNodes() });
  process.stdout.write(`[yunbang] test stack up in ${Date.now() - started} ms (${dir})\n`);
  // For helpers that also serve benchmarks, outside vitest's context (test/helpers/git-server.ts).
  if (stack.realNode) process.env.YUNBANG_TEST_REAL_NODE = JSON.stringify(stack.realNode);
  project.provide('stack', {
    DATABASE_URL: stack.DATABASE_URL, ETCD_ENDPOINTS: stack.ETCD_ENDPOINTS, KUBECONFIG: stack.KUBECONFIG,
    WORKER_KUBECONFIG: stack.WORKER_KUBECONFIG, API_KUBECONFIG: stack.API_KUBECONFIG,
    PG_ADMIN_URL: stack.pgAdminUrl!('postgres'), dir, extraClusters: stack.extraClusters, realNode: stack.realNode,
  });
}

export async function teardown() {
  await stack?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
}
