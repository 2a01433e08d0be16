import type * as k8s from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { runOutcome } from '../jobs/run.js';
import { appPodSelector } from '../k8s/labels.js';
import { runJob, runJobName } from '../k8s/render/run.js';
import type { AppIntent } from '../k8s/types.js';
import { commandInWords } from '../src/intents/runs.js';

const app: AppIntent = {
  team: { name: 'acme', namespace: 'yb-acme', generation: 1 }, name: 'web', generation: 7, release: 3, image: 'registry.local/acme/web:v3', port: 8080, replicas: 2, running: true,
  env: [{ name: 'GREETING', value: 'hi' }], domains: [], resources: {}, healthCheckPath: '/healthz', tls: false, runAsNonRoot: true, restartedAt: null,
  args: ['serve'], defaultLabel: 'web-acme', volumes: [{ name: 'data', mountPath: '/data', size: '1Gi', accessMode: 'ReadWriteOnce', storageClass: null }], secrets: [], dependencies: [], dependents: [], isolated: false,
};
const pod = (status: k8s.V1PodStatus, deadline?: number): k8s.V1Pod => ({ spec: { containers: [], activeDeadlineSeconds: deadline }, status });

describe('one-off commands (pure)', () => {
  it('a run is a Job of one pod from the app\'s release and config, with its command, never ready, never retried, time-limited', () => {
    const id = '0f6c2a3e-8f1b-4c5d-9e7a-123456789abc';
    const job = runJob(app, { id, command: ['sh', '-c', 'rake db:migrate'], timeoutSeconds: 600 }) as any;
    expect(job).toMatchObject({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: runJobName('web', id), namespace: 'yb-acme' }, spec: { backoffLimit: 0 } });
    expect(job.metadata.name).toBe('web-run-0f6c2a3e');
    const spec = job.spec.template.spec;
    expect(spec).toMatchObject({ restartPolicy: 'Never', activeDeadlineSeconds: 600, automountServiceAccountToken: false });
    const [c] = spec.containers;
    expect(c).toMatchObject({ name: 'app', image: 'registry.local/acme/web:v3', command: ['sh', '-c', 'rake db:migrate'], env: expect.arrayContaining([{ name: 'GREETING', value: 'hi' }]) });
    // The image's args and the app's probes, ports and volumes stay with the app's own pods.
    expect(c.args).toBeUndefined();
    expect(c.livenessProbe).toBeUndefined();
    expect(c.volumeMounts).toBeUndefined();
    expect(c.ports).toBeUndefined();
    expect(c.readinessProbe).toEqual({ tcpSocket: { port: 1 }, periodSeconds: 3600, failureThreshold: 1 });
    // The app's labels (its network policies apply) and the run's, which keeps it out of the replicas.
    expect(job.spec.template.metadata.labels).toMatchObject({ 'yunbang.dev/team': 'acme', 'yunbang.dev/app': 'web', 'yunbang.dev/run': id });
    expect(appPodSelector('acme', 'web')).toMatch(/,!yunbang\.dev\/run$/);
  });

  it('reads how a run ended from its pod', () => {
    expect(runOutcome(undefined)).toEqual({ status: 'pending' });
    expect(runOutcome(pod({ phase: 'Pending' }))).toEqual({ status: 'pending' });
    expect(runOutcome(pod({ phase: 'Running', containerStatuses: [{ name: 'app', state: { running: {} } } as k8s.V1ContainerStatus] }))).toEqual({ status: 'running' });
    const ended = (exitCode: number, reason?: string) => pod({ phase: exitCode ? 'Failed' : 'Succeeded', containerStatuses: [{ name: 'app', state: { terminated: { exitCode, reason } } } as k8s.V1ContainerStatus] });
    expect(runOutcome(ended(0, 'Completed'))).toEqual({ status: 'succeeded', exitCode: 0, error: null });
    expect(runOutcome(ended(3, 'Error'))).toEqual({ status: 'failed', exitCode: 3, error: null });
    expect(runOutcome(ended(137, 'OOMKilled'))).toEqual({ status: 'failed', exitCode: 137, error: 'OOMKilled' });
    expect(runOutcome(pod({ phase: 'Failed', reason: 'DeadlineExceeded' }, 2))).toEqual({ status: 'timed-out', exitCode: null, error: 'stopped at its time limit (2 s)' });
    expect(runOutcome(pod({ phase: 'Pending', containerStatuses: [{ name: 'app', state: { waiting: { reason: 'ImagePullBackOff', message: 'not found' } } } as k8s.V1ContainerStatus] })))
      .toEqual({ status: 'failed', exitCode: null, error: 'ImagePullBackOff: not found' });
  });

  it('puts a command in words for the audit log, quoting what a shell would split', () => {
    expect(commandInWords(['rake', 'db:migrate'])).toBe('rake db:migrate');
    expect(commandInWords(['sh', '-c', "echo 'hi there'"])).toBe(`sh -c 'echo '\\''hi there'\\'''`);
    expect(commandInWords(['x'.repeat(400)])).toHaveLength(300);
  });
});
