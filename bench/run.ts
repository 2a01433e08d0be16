import { benchApiRead } from './api-read.js';
import { benchReconcile } from './reconcile.js';
import { benchBuilds } from './builds.js';
import { benchGateway } from './gateway.js';
import { benchSoak } from './soak.js';
import { benchClusters } from './clusters.js';
import { benchWebhooks } from './webhooks.js';
import { benchScale } from './scale.js';
import { benchConsole } from './console.js';
import { benchNode } from './node.js';
import { benchGitPush } from './git-push.js';
import { benchStartup } from './startup.js';
import { benchObserve } from './observe.js';
import { benchAutoscale } from './autoscale.js';
import { benchWake } from './wake.js';
import { startBenchStack } from './stack.js';

/**
 * `npm run bench`: every benchmark on one local stack, each printing absolute figures and ratios
 * against a baseline measured in the same run. `npm run bench -- api`, `-- reconcile`, `-- builds`, `-- gateway`, `-- clusters`, `-- webhooks`, `-- scale`, `-- console`, `-- node` (the real node), `-- push` (git push → answering, on the real node), `-- startup` (each role's start, compiled vs tsx), `-- observe` (metrics, logs, alerts), `-- autoscale` (a load step on the real node's HPA) or `-- wake` (scale to zero's first request, on the real node) runs one; `-- soak` (not part of the full run: 10 minutes) runs the soak.
 */
const only = process.argv[2];
const NAMES = ['api', 'reconcile', 'builds', 'gateway', 'clusters', 'webhooks', 'scale', 'console', 'node', 'push', 'startup', 'observe', 'autoscale', 'wake', 'soak'];
if (only !== undefined && !NAMES.includes(only)) {
  // A typo must not start a stack, run nothing and pass.
  process.stderr.write(`npm run bench: no benchmark named "${only}"; the names are ${NAMES.join(', ')} (none: all but soak)\n`);
  process.exit(2);
}
// The first cluster's node is simulated (the scale benchmark's 10,000 apps need it); `local-2`
// (simulated) serves the clusters benchmark, and a cluster with the real node the node benchmark.
const stack = await startBenchStack(!only ? ['simulated', 'simulated', 'real'] : only === 'clusters' ? 2 : only === 'node' || only === 'push' || only === 'autoscale' || only === 'wake' ? ['simulated', 'real'] : 1);
try {
  if (!only || only === 'api') await benchApiRead(stack);
  if (!only || only === 'reconcile') await benchReconcile(stack);
  if (!only || only === 'builds') await benchBuilds(stack);
  if (!only || only === 'gateway') await benchGateway(stack);
  if (!only || only === 'clusters') await benchClusters(stack);
  if (!only || only === 'webhooks') await benchWebhooks(stack);
  if (!only || only === 'scale') await benchScale(stack);
  if (!only || only === 'console') await benchConsole(stack);
  if (!only || only === 'node') await benchNode(stack);
  if (!only || only === 'node' || only === 'push') await benchGitPush(stack);
  if (!only || only === 'startup') await benchStartup(stack);
  if (!only || only === 'observe') await benchObserve(stack);
  if (!only || only === 'autoscale') await benchAutoscale(stack);
  if (!only || only === 'wake') await benchWake(stack);
  // Ten minutes long: only when asked for.
  if (only === 'soak') await benchSoak(stack);
} finally {
  await stack.close();
}
