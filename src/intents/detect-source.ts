import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { RateLimiterRes } from 'rate-limiter-flexible';
import { z } from 'zod';
import { authorize } from '../auth/principal.js';
import { detect } from '../build/detect.js';
import { DetectionError, type BuildPlan } from '../build/plan.js';
import { dirReader } from '../build/source.js';
import { Invalid, RateLimited, Unavailable } from '../errors.js';
import { checkGitUrl, GitUrlRefused, type GitTarget } from '../net/git-guard.js';
import { parse } from '../validation.js';
import type { Ctx } from './context.js';
import { buildMode, dockerfilePath, gitInput, gitRef } from './source.js';

const run = promisify(execFile);
const input = z.object({
  team: z.string(),
  url: gitInput.shape.url, ref: gitRef.default('main'), subdir: gitInput.shape.subdir, buildMode: buildMode.default('AUTO'), dockerfilePath: dockerfilePath.default('Dockerfile'),
});

/**
 * git as the API process runs it: no inherited environment or configuration (nothing of the
 * API's own secrets reaches it, no user config can add a proxy or a credential helper), only the
 * protocols the guard allowed, no redirects (a public host must not bounce the clone inward), and
 * the host pinned to the addresses the guard checked (no second DNS answer in between).
 */
export function gitArgs(t: GitTarget & { addresses: string[]; allowed: boolean }): string[] {
  const resolve = t.addresses.map((a) => (a.includes(':') ? `[${a}]` : a)).join(',');
  return [
    '-c', 'protocol.allow=never', '-c', 'protocol.https.allow=always',
    ...(t.allowed ? ['-c', 'protocol.http.allow=always'] : []),
    '-c', 'http.followRedirects=false',
    '-c', `http.curloptResolve=${t.host}:${t.port}:${resolve}`,
  ];
}

export const gitEnv = (home: string): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH, HOME: home, GIT_TERMINAL_PROMPT: '0', GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null',
});

/** What a failed clone means, in our words: the remote's own answer never reaches the caller. */
function cloneFailure(stderr: string, url: string, ref: string): Error {
  if (/Remote branch .* not found|couldn't find remote ref|Could not find remote branch/i.test(stderr)) {
    return Invalid.field('ref', `${url} has no branch or tag ${ref}`);
  }
  if (/Repository not found|not found|does not appear to be a git repository|could not read Username|Authentication failed|returned error: 40[134]/i.test(stderr)) {
    return Invalid.field('url', `${url} is not a public git repository (previews clone without credentials)`);
  }
  if (/redirect|returned error: 30[1278]/i.test(stderr)) return Invalid.field('url', `${url} redirects elsewhere; give the repository's own URL`);
  return new Unavailable(`cannot reach the git host of ${url}`);
}

async function takeAllowance(ctx: Ctx): Promise<void> {
  const p = ctx.principal;
  const key = p.kind === 'admin' ? 'admin' : p.tokenId;
  try {
    await ctx.detectLimiter.consume(key);
  } catch (err) {
    if (!(err instanceof RateLimiterRes)) throw err;
    const seconds = Math.max(1, Math.ceil(err.msBeforeNext / 1000));
    throw new RateLimited(`too many previews: try again in ${seconds} s`, seconds);
  }
}

/**
 * Previews what Yunbang would build from a repository: a shallow clone of the ref, then the same
 * detector the detect pod runs. It clones from the API process, so it is held tighter than a
 * build: a developer of the team, a few a minute per token, and only URLs the git guard allows.
 * Nothing is recorded.
 */
export async function detectSource(ctx: Ctx, raw: z.input<typeof input>): Promise<BuildPlan> {
  const i = parse(input, raw);
  authorize(ctx.principal, i.team, 'write');
  await takeAllowance(ctx);
  let target;
  try {
    target = await checkGitUrl(i.url, ctx.gitAllow);
  } catch (err) {
    if (err instanceof GitUrlRefused) throw Invalid.field('url', `refused: ${err.rule}`);
    throw err;
  }
  if (target.scheme === 'ssh') throw Invalid.field('url', 'previews clone over https; an ssh repository is detected by its app\'s build, which has its deploy key');
  const dir = await mkdtemp(join(tmpdir(), 'yunbang-detect-'));
  try {
    try {
      await run('git', [...gitArgs(target), 'clone', '--quiet', '--depth', '1', '--branch', i.ref, '--', i.url, join(dir, 'src')],
        { timeout: 60_000, env: gitEnv(dir) });
    } catch (err) {
      throw cloneFailure(String((err as { stderr?: string }).stderr ?? ''), i.url, i.ref);
    }
    try {
      return await detect(dirReader(join(dir, 'src', i.subdir ?? '.')), i.buildMode, i.dockerfilePath);
    } catch (err) {
      if (err instanceof DetectionError) throw Invalid.field('url', err.message);
      throw err;
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
