import { appLabels, GENERATION, ROLE } from '../labels.js';

export { ROLE };
import type { K8sObject } from '../types.js';

/**
 * The pods a build runs, as pure data. Both clone the exact ref into a shared volume with an
 * init container; the detect pod then runs Yunbang's detector, which reports the commit and the
 * build plan as JSON in its termination message; the build pod runs Kaniko, which pushes the image
 * and writes its digest to the termination message.
 */
export const BUILD = 'yunbang.dev/build';

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
  /** The build container's CPU limit. */
  cpu: string;
  /**
   * Its CPU request. Production keeps it equal to the limit (a build is guaranteed what it may use);
   * a small machine such as the local 2-core node requests less, so that builds fit beside the apps.
   */
  cpuRequest: string;
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
  cpuRequest: '1',
};

export interface BuildSubject {
  buildId: string;
  number: number;
  team: string;
  app: string;
  namespace: string;
  generation: number;
  /** knownHosts: the SSH host keys the clone trusts (ssh URLs); trustOnFirstUse: accept an unknown one and report it. */
  git: { url: string; ref: string; subdir: string | null; knownHosts?: string; trustOnFirstUse?: boolean };
  buildMode: 'AUTO' | 'DOCKERFILE' | 'SOURCE';
  dockerfilePath: string;
  /** A Secret in the namespace holding credentials for the clone: basic-auth (token) or ssh-auth (deploy key). */
  credentials: { secretName: string; kind: 'basic' | 'ssh' } | null;
}

export const credentialsSecretName = (app: string) => `${app}-git-credentials`;

/**
 * The Secret holding an app's git credentials for the clone containers: basic-auth for a token,
 * ssh-auth for a deploy key (the types git hosts' docs and kubectl use). Labelled with the app, so
 * deleting the app removes it; the role label keeps it out of app prune.
 */
export function credentialsSecret(b: Pick<BuildSubject, 'team' | 'app' | 'namespace'>, c: { username?: string; token?: string; sshPrivateKey?: string }): K8sObject {
  return {
    apiVersion: 'v1', kind: 'Secret',
    metadata: { name: credentialsSecretName(b.app), namespace: b.namespace, labels: { ...appLabels(b.team, b.app), [ROLE]: 'git-credentials' } },
    type: c.sshPrivateKey ? 'kubernetes.io/ssh-auth' : 'kubernetes.io/basic-auth',
    stringData: c.sshPrivateKey ? { 'ssh-privatekey': c.sshPrivateKey } : { username: c.username ?? 'git', password: c.token ?? '' },
  };
}

export const imageRepository = (s: BuildPodSettings, b: Pick<BuildSubject, 'team' | 'app'>) => `${s.registry}/${b.team}/${b.app}`;
export const podName = (b: Pick<BuildSubject, 'app' | 'number'>, role: 'detect' | 'build') => `${b.app}-build-${b.number}-${role}`;

// Fetching the ref works for branches, tags and commit ids alike (a clone --branch would not take an id).
const CLONE = [
  'set -eu',
  'mkdir -p "$HOME"',
  // SSH: only the host keys given (GIT_SSH_COMMAND pins them; see sshEnv).
  'if [ -n "${GIT_KNOWN_HOSTS:-}" ]; then mkdir -p "$HOME/.ssh" && printf \'%s\\n\' "$GIT_KNOWN_HOSTS" > "$HOME/.ssh/known_hosts" && cp "$HOME/.ssh/known_hosts" /workspace/given_hosts; fi',
  // A token is handed to git by a credential helper reading the environment, never put in the URL.
  `if [ -n "\${GIT_PASSWORD:-}" ]; then git config --global credential.helper '!f() { echo "username=\${GIT_USERNAME:-git}"; echo "password=\${GIT_PASSWORD}"; }; f'; fi`,
  'git init -q /workspace/src && cd /workspace/src',
  'git remote add origin "$GIT_URL"',
  // A refused host key fails with a sentence saying what to do, as the last line (the failure reason).
  'if ! git fetch -q --depth 1 origin "$GIT_REF" 2> /workspace/fetch.err; then',
  '  cat /workspace/fetch.err >&2',
  `  if grep -q 'HOST IDENTIFICATION HAS CHANGED' /workspace/fetch.err; then echo "the git host's SSH key is not the one pinned for it; if the host rotated its key, give the new one in the app's git.knownHosts" >&2;`,
  `  elif grep -q 'Host key verification failed' /workspace/fetch.err; then echo "the git host's SSH key is unknown: give it in the app's git.knownHosts (ssh-keyscan prints it), have the operator add it to YUNBANG_GIT_KNOWN_HOSTS, or let the app trust it on first use" >&2; fi`,
  '  exit 1',
  'fi',
  'git checkout -q FETCH_HEAD',
  "git log -1 --format='%H%n%an <%ae>%n%s' > /workspace/commit.txt",
  // Trusted on first use: the key ssh added is reported (by the detect pod) for the worker to pin.
  'if [ -f /workspace/given_hosts ]; then grep -vxF -f /workspace/given_hosts "$HOME/.ssh/known_hosts" > /workspace/learned_host_keys || true; fi',
  `if [ -s /workspace/learned_host_keys ]; then echo "trusted the host's key on first use; it is pinned from now on: $(cut -d' ' -f1,2 /workspace/learned_host_keys | tr '\\n' ' ')"; fi`,
].join('\n');

const isSsh = (url: string) => /^ssh:\/\//.test(url) || /^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:(?!\/\/)/.test(url);

/**
 * SSH clones trust only the given host keys: no system or user configuration (-F /dev/null), no
 * prompt, strict checking; with trust on first use, an unknown host is accepted (a changed key
 * still is not) and reported.
 */
function sshEnv(b: BuildSubject): { name: string; value: string }[] {
  if (!isSsh(b.git.url)) return [];
  const key = b.credentials?.kind === 'ssh' ? '-i /etc/git-ssh/ssh-privatekey -o IdentitiesOnly=yes ' : '';
  const checking = b.git.trustOnFirstUse ? 'accept-new' : 'yes';
  return [
    { name: 'GIT_KNOWN_HOSTS', value: b.git.knownHosts ?? '' },
    {
      name: 'GIT_SSH_COMMAND',
      value: `ssh -F /dev/null ${key}-o UserKnownHostsFile=/workspace/home/.ssh/known_hosts -o GlobalKnownHostsFile=/dev/null -o StrictHostKeyChecking=${checking} -o HashKnownHosts=no -o BatchMode=yes`,
    },
  ];
}

/** Credentials reach the clone only as references to the Secret, so no value is in the pod spec. */
function credentialEnv(b: BuildSubject): unknown[] {
  const c = b.credentials;
  if (!c) return [];
  if (c.kind === 'ssh') return []; // the key is a file (sshEnv)
  return [
    { name: 'GIT_USERNAME', valueFrom: { secretKeyRef: { name: c.secretName, key: 'username' } } },
    { name: 'GIT_PASSWORD', valueFrom: { secretKeyRef: { name: c.secretName, key: 'password' } } },
  ];
}

/**
 * git's configuration for the clone, as environment (GIT_CONFIG_COUNT): https and ssh only (plain
 * http only for a URL the git guard let through as http, i.e. an allowed internal host), and no
 * redirects, so a host cannot bounce the clone to an address the guard never checked.
 */
function gitConfigEnv(url: string): { name: string; value: string }[] {
  const pairs: [string, string][] = [
    ['protocol.allow', 'never'], ['protocol.https.allow', 'always'], ['protocol.ssh.allow', 'always'],
    ...(url.startsWith('http://') ? [['protocol.http.allow', 'always'] as [string, string]] : []),
    ['http.followRedirects', 'false'],
  ];
  return [
    { name: 'GIT_CONFIG_COUNT', value: String(pairs.length) },
    ...pairs.flatMap(([k, v], i) => [{ name: `GIT_CONFIG_KEY_${i}`, value: k }, { name: `GIT_CONFIG_VALUE_${i}`, value: v }]),
  ];
}

const BUILD_UID = 10001;
/** The clone and detect containers: an unprivileged user, no capabilities. */
const NON_ROOT = { runAsNonRoot: true, runAsUser: BUILD_UID, runAsGroup: BUILD_UID, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } };

function pod(b: BuildSubject, s: BuildPodSettings, role: 'detect' | 'build', init: Record<string, unknown>, main: Record<string, unknown>): K8sObject {
  // Every limit is explicit, so a team's LimitRange defaults never apply (they could be lower than the requests).
  const resources = role === 'build'
    ? { requests: { cpu: s.cpuRequest, memory: s.memory, 'ephemeral-storage': s.ephemeralStorage }, limits: { cpu: s.cpu, memory: s.memory, 'ephemeral-storage': s.ephemeralStorage } }
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
      // The workspace and the deploy key belong to the non-root user of the clone and detect containers.
      securityContext: { seccompProfile: { type: 'RuntimeDefault' }, fsGroup: BUILD_UID },
      volumes: [
        { name: 'workspace', emptyDir: {} },
        ...(b.credentials?.kind === 'ssh' ? [{ name: 'git-ssh', secret: { secretName: b.credentials.secretName, defaultMode: 0o440 } }] : []),
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
          { name: 'HOME', value: '/workspace/home' },
          ...gitConfigEnv(b.git.url),
          ...sshEnv(b),
          ...credentialEnv(b),
          ...((init.env as unknown[]) ?? []),
        ],
        volumeMounts: [
          { name: 'workspace', mountPath: '/workspace' },
          ...(b.credentials?.kind === 'ssh' ? [{ name: 'git-ssh', mountPath: '/etc/git-ssh', readOnly: true }] : []),
        ],
        resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
        securityContext: NON_ROOT,
        // git's last words become the build's failure reason.
        terminationMessagePolicy: 'FallbackToLogsOnError',
      }],
      containers: [{
        ...main,
        terminationMessagePolicy: 'File',
        resources,
        // Kaniko builds an image's filesystem as root inside its container (it needs root and the
        // default capabilities: chown, setuid for RUN steps); the detector needs nothing.
        securityContext: role === 'detect' ? NON_ROOT : { runAsUser: 0, allowPrivilegeEscalation: false },
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
      { name: 'LEARNED_HOST_KEYS_FILE', value: '/workspace/learned_host_keys' },
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
