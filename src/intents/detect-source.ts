import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { z } from 'zod';
import { detect } from '../build/detect.js';
import { DetectionError, type BuildPlan } from '../build/plan.js';
import { dirReader } from '../build/source.js';
import { Invalid, Unavailable } from '../errors.js';
import { parse } from '../validation.js';
import type { Ctx } from './context.js';
import { buildMode, dockerfilePath, gitInput, gitRef } from './source.js';

const run = promisify(execFile);
const input = z.object({ url: gitInput.shape.url, ref: gitRef.default('main'), subdir: gitInput.shape.subdir, buildMode: buildMode.default('AUTO'), dockerfilePath: dockerfilePath.default('Dockerfile') });

/**
 * Previews what Yunbang would build from a repository: a shallow clone of the ref, then the same
 * detector the detect pod runs. Any authenticated caller may use it; nothing is recorded.
 */
export async function detectSource(_ctx: Ctx, raw: z.input<typeof input>): Promise<BuildPlan> {
  const i = parse(input, raw);
  const dir = await mkdtemp(join(tmpdir(), 'yunbang-detect-'));
  try {
    try {
      await run('git', ['clone', '--quiet', '--depth', '1', '--branch', i.ref, '--', i.url, join(dir, 'src')],
        { timeout: 60_000, env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } });
    } catch (err) {
      const stderr = String((err as { stderr?: string }).stderr ?? '');
      // Name the real cause: a missing ref or repository is the caller's; a network failure is not.
      if (/not found|Could not find remote branch|does not appear to be a git repository|Repository not found/i.test(stderr)) {
        throw Invalid.field('ref', `cannot clone ${i.ref} from ${i.url}: ${stderr.trim().split('\n').pop()}`);
      }
      throw new Unavailable(`cannot reach ${i.url}: ${stderr.trim().split('\n').pop() ?? 'git clone failed'}`);
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
