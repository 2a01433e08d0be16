import { inject } from 'vitest';
import type { ExtraCluster } from '../../scripts/local/stack.js';

/**
 * Which node a test file's platform runs on. `local` has the real node (YUNBANG_TEST_NODE=real);
 * a file whose subject needs the simulated node says so, and why, with onSimulatedNode() before
 * its hooks run: its platforms, gateways and git servers then use `local-2`, simulated.
 */
let why: string | undefined;

export function onSimulatedNode(reason: string): void {
  why = reason;
  // Each test file runs in a process of its own (vitest's forks pool): this clears the real node
  // only for this file's helpers (git-server.ts reads it).
  delete process.env.YUNBANG_TEST_REAL_NODE;
}

/** The simulated cluster this file chose, when `local` has the real node; undefined: `local`. */
export function chosenCluster(): ExtraCluster | undefined {
  const stack = inject('stack');
  if (!why || !stack.realNode) return undefined;
  const sim = stack.extraClusters.find((c) => c.node === 'simulated');
  if (!sim) throw new Error('the test stack has no simulated cluster besides local (test/global-setup.ts)');
  return sim;
}

/** `local`'s real node, unless this file chose the simulated one. */
export const localRealNode = () => (why ? undefined : inject('stack').realNode);
