import { describe, expect, it } from 'vitest';
import { assessWorkload, stuckDetail } from '../k8s/health.js';

/** The kubelet's words for a container it restarts, as a real node reports them (test/real-node.test.ts sees them live). */
const crashing = {
  name: 'app', ready: false, restartCount: 3, image: 'debian:bookworm-slim', imageID: '',
  state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s restarting failed container=app pod=web-5d9c_acme(0f3a)' } },
  lastState: { terminated: { exitCode: 3, reason: 'Error' } },
};

describe('health of a workload with a stuck container', () => {
  it('names the back-off, how the last run ended and the restarts', () => {
    expect(stuckDetail(crashing)).toBe(': back-off 40s before the next start; its last run ended with exit code 3; restarted 3 times');
    const oom = { ...crashing, restartCount: 1, lastState: { terminated: { exitCode: 137, reason: 'OOMKilled' } } };
    expect(stuckDetail(oom)).toBe(': back-off 40s before the next start; its last run ended with exit code 137 (OOMKilled); restarted 1 time');
  });

  it("keeps the kubelet's own message when it says nothing of a back-off or a last run", () => {
    const pull = { name: 'app', ready: false, restartCount: 0, image: 'x', imageID: '', state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "registry.example/nope:1"' } } };
    expect(stuckDetail(pull)).toBe(': Back-off pulling image "registry.example/nope:1"');
  });

  it('says it in the status of a Deployment whose pods crash', () => {
    const d = { metadata: { generation: 1 }, spec: { replicas: 1 }, status: { observedGeneration: 1, replicas: 1, updatedReplicas: 1, readyReplicas: 0 } };
    const a = assessWorkload('Deployment', d as never, [{ status: { containerStatuses: [crashing] } }]);
    expect(a).toMatchObject({ health: 'Failed', reason: 'CrashLoopBackOff' });
    expect(a.message).toBe('0 of 1 replicas ready; a container is in CrashLoopBackOff: back-off 40s before the next start; its last run ended with exit code 3; restarted 3 times');
  });
});
