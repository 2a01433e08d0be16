import { appLabels, GENERATION } from '../labels.js';
import type { K8sObject } from '../types.js';

/**
 * The pods a build runs, as pure data. Both clone the exact ref into a shared volume with an
 * init container; the detect pod then runs Yunbang's detector, which reports the commit and the
 * build plan as JSON in its termination message; the build pod runs Kaniko, which pushes the image
 * and writes its digest to the termination message.
 */
export const BUILD = 'yunbang.dev/build';
export const ROLE = 'yunbang.dev/role';

export interface BuildPodSettings {
  detectorImage: string;
  gitImage: string;
  kanikoImage: string;
  /** Registry host and path prefix, e.g. registry.example.com/yunbang */
  registry: string;
  /** A kubernetes.io/dockerconfigjson Secret in the team's namespace, mounted where Kaniko reads it. */
  registrySecret: string | null;
  deadlineSeconds: number;
  memory: string;
  ephemeralStorage: string;
  cpu: string;
}

export const defaultBuildPodSettings: BuildPodSettings = {
  detectorImage: 'ghcr.io/yunbang/yunbang:latest',
  gitImage: 'alpine/git:latest',
  kanikoImage: 'ghcr.io/osscontainertools/kaniko:latest',
  registry: 'registry.yunbang.local:5000',
  registrySecret: null,
  deadlineSeconds: 1800,
  memory: '2Gi',
  ephemeralStorage: '10Gi',
  cpu: '1',
};

export interface BuildSubject {
  buildId: string;
  number: number;
  team: string;
  app: string;
  namespace: string;
  generation: number;
  git: { url: string; ref: string; subdir: string | null };
  buildMode: 'AUTO' | 'DOCKERFILE' | 'SOURCE';
  dockerfilePath: string;
}

export const imageRepository = (s: BuildPodSettings, b: Pick<BuildSubject, 'team' | 'app'>) => `${s.registry}/${b.team}/${b.app}`;
export const podName = (b: Pick<BuildSubject, 'app' | 'number'>, role: 'detect' | 'build') => `${b.app}-build-${b.number}-${role}`;

// Fetching the ref works for branches, tags and commit ids alike (a clone --branch would not take an id).
const CLONE = [
  'set -eu',
  'git init -q /workspace/src && cd /workspace/src',
  'git remote add origin "$GIT_URL"',
  'git fetch -q --depth 1 origin "$GIT_REF"',
  'git checkout -q FETCH_HEAD',
  "git log -1 --format='%H%n%an <%ae>%n%s' > /workspace/commit.txt",
].join('\n');

function pod(b: BuildSubject, s: BuildPodSettings, role: 'detect' | 'build', init: Record<string, unknown>, main: Record<string, unknown>): K8sObject {
  // Every limit is explicit, so a team's LimitRange defaults never apply (they could be lower than the requests).
  const resources = role === 'build'
    ? { requests: { cpu: s.cpu, memory: s.memory, 'ephemeral-storage': s.ephemeralStorage }, limits: { cpu: s.cpu, memory: s.memory, 'ephemeral-storage': s.ephemeralStorage } }
    : { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '500m', memory: '512Mi' } };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: podName(b, role),
      namespace: b.namespace,
      labels: { ...appLabels(b.team, b.app), [GENERATION]: String(b.generation), [BUILD]: b.buildId, [ROLE]: role },
    },
    spec: {
      restartPolicy: 'Never',
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      activeDeadlineSeconds: s.deadlineSeconds,
      volumes: [
        { name: 'workspace', emptyDir: {} },
        ...(role === 'build' && s.registrySecret
          ? [{ name: 'registry', secret: { secretName: s.registrySecret, items: [{ key: '.dockerconfigjson', path: 'config.json' }] } }]
          : []),
      ],
      initContainers: [{
        name: 'clone',
        image: s.gitImage,
        command: ['sh', '-c', init.script],
        env: [
          { name: 'GIT_URL', value: b.git.url },
          { name: 'GIT_REF', value: b.git.ref },
          { name: 'GIT_TERMINAL_PROMPT', value: '0' },
          ...((init.env as unknown[]) ?? []),
        ],
        volumeMounts: [{ name: 'workspace', mountPath: '/workspace' }],
        resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
      }],
      containers: [{
        ...main,
        terminationMessagePolicy: 'File',
        resources,
      }],
    },
  };
}

export function detectPod(b: BuildSubject, s: BuildPodSettings): K8sObject {
  const dir = b.git.subdir ? `/workspace/src/${b.git.subdir}` : '/workspace/src';
  return pod(b, s, 'detect', { script: CLONE }, {
    name: 'detect',
    image: s.detectorImage,
    command: ['node', '--import', 'tsx', 'src/build/detect-main.ts', dir],
    env: [
      { name: 'BUILD_MODE', value: b.buildMode },
      { name: 'DOCKERFILE_PATH', value: b.dockerfilePath },
      { name: 'COMMIT_FILE', value: '/workspace/commit.txt' },
    ],
    volumeMounts: [{ name: 'workspace', mountPath: '/workspace', readOnly: true }],
  });
}

/**
 * The Kaniko pod. `dockerfile` is the generated Dockerfile for source builds (the init container
 * writes it beside the checkout), or null to use the repository's own.
 */
export function buildPod(b: BuildSubject & { commit: string }, s: BuildPodSettings, dockerfile: string | null): K8sObject {
  const context = b.git.subdir ? `/workspace/src/${b.git.subdir}` : '/workspace/src';
  const dockerfilePath = dockerfile ? '/workspace/Dockerfile.yunbang' : `${context}/${b.dockerfilePath}`;
  const repo = imageRepository(s, b);
  const script = dockerfile ? `${CLONE}\nprintf '%s' "$DOCKERFILE" > /workspace/Dockerfile.yunbang` : CLONE;
  return pod(b, s, 'build', { script, env: dockerfile ? [{ name: 'DOCKERFILE', value: dockerfile }] : [] }, {
    name: 'kaniko',
    image: s.kanikoImage,
    args: [
      `--context=dir://${context}`,
      `--dockerfile=${dockerfilePath}`,
      `--destination=${repo}:${b.number}`,
      '--cache=true',
      `--cache-repo=${repo}/cache`,
      '--cache-ttl=168h',
      '--snapshot-mode=redo',
      '--compressed-caching=false',
      '--push-retry=3',
      '--digest-file=/dev/termination-log',
      `--label=org.opencontainers.image.revision=${b.commit}`,
    ],
    volumeMounts: [
      { name: 'workspace', mountPath: '/workspace' },
      ...(s.registrySecret ? [{ name: 'registry', mountPath: '/kaniko/.docker', readOnly: true }] : []),
    ],
  });
}
