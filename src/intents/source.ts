import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { knownHosts } from '../build/known-hosts.js';
import { Invalid } from '../errors.js';
import { checkGitUrl, GitUrlRefused, type AllowList } from '../net/git-guard.js';

/** Where a git app's code is and how it is built. Stored as apps.source. */
export interface SourceSpec {
  url: string; branch: string; subdir: string | null; buildMode: 'AUTO' | 'DOCKERFILE' | 'SOURCE'; dockerfilePath: string;
  /** SSH host keys this app trusts besides the platform's (known_hosts lines); absent in sources saved before them. */
  knownHosts?: string | null;
  /** Trust the host's key on the first clone and pin it (ssh URLs only). */
  trustOnFirstUse?: boolean;
}

/** Whether a git URL is cloned over SSH (ssh:// or scp-like user@host:path). */
export const isSshUrl = (url: string) => /^ssh:\/\//.test(url) || /^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:(?!\/\/)/.test(url);

// https://host/path, http://host/path (a local git server), or an scp-like SSH address.
const GIT_URL = /^(?:https?:\/\/[^\s/@]+(?::\d+)?\/\S+|ssh:\/\/[^\s@]+@[^\s/]+(?::\d+)?\/\S+|[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[^\s]+)$/;

/** A git ref name as `git check-ref-format` allows it (the common subset). */
export const gitRef = z.string().min(1, 'must not be empty').max(255, 'must be at most 255 characters')
  .refine((r) => !/[\s~^:?*[\\]|\.\.|@\{|\/\/|^\/|\/$|\.lock$|^-/.test(r), 'must be a branch, tag or commit name');

const relativePath = z.string().max(255, 'must be at most 255 characters')
  .refine((p) => !p.startsWith('/') && !p.split('/').includes('..') && !/\s/.test(p) && p.length > 0, 'must be a relative path inside the repository');

export const gitInput = z.object({
  url: z.string().max(1024, 'must be at most 1024 characters').regex(GIT_URL, 'must be a git URL (https://host/org/repo.git or git@host:org/repo.git)')
    .refine((u) => !/^https?:\/\/[^/]*:[^/]*@/.test(u), 'must not contain credentials'),
  branch: gitRef.default('main'),
  subdir: relativePath.nullable().default(null),
  knownHosts: knownHosts.nullable().default(null),
  trustOnFirstUse: z.boolean().default(false),
}).strict().superRefine((g, ctx) => {
  if (!isSshUrl(g.url) && (g.knownHosts || g.trustOnFirstUse)) {
    ctx.addIssue({ code: 'custom', path: [g.knownHosts ? 'knownHosts' : 'trustOnFirstUse'], message: 'host keys are for ssh URLs (git@host:org/repo.git or ssh://...)' });
  }
});

/** Credentials for a private repository: a token (HTTPS) or an SSH deploy key, never both. */
export const gitCredentials = z.object({
  username: z.string().max(255).optional(),
  token: z.string().min(1).max(4096).optional(),
  sshPrivateKey: z.string().max(16384).regex(/-----BEGIN [A-Z ]*PRIVATE KEY-----/, 'must be a PEM or OpenSSH private key').optional(),
}).strict().refine((c) => (c.token === undefined) !== (c.sshPrivateKey === undefined), 'give exactly one of token or sshPrivateKey');
export type GitCredentials = z.infer<typeof gitCredentials>;

/**
 * Refuses a git URL the guard would not let a build clone (src/net/git-guard.ts), when it is
 * saved, so a tenant learns at once; the worker checks again before each build.
 */
export async function guardGitUrl(allow: AllowList, url: string, field = 'git.url'): Promise<void> {
  try {
    await checkGitUrl(url, allow);
  } catch (err) {
    if (err instanceof GitUrlRefused) throw Invalid.field(field, `refused: ${err.rule}`);
    throw err;
  }
}

export const buildMode = z.enum(['AUTO', 'DOCKERFILE', 'SOURCE'], { message: 'must be AUTO, DOCKERFILE or SOURCE' });
export const dockerfilePath = relativePath;

export const newWebhookId = () => randomBytes(18).toString('base64url');
export const newWebhookSecret = () => `ybwh_${randomBytes(24).toString('base64url')}`;
