import { readFile, writeFile } from 'node:fs/promises';
import { detect, type BuildMode } from './detect.js';
import { dirReader } from './source.js';

/**
 * The detect pod's entry point: inspects the checked-out source and reports, as JSON in the
 * container's termination message, the commit and the build plan (or the error). Exit code 0 on
 * success, 1 when nothing could be detected.
 */
export interface DetectReport {
  commit?: string; author?: string; message?: string;
  plan?: import('./plan.js').BuildPlan;
  error?: string;
  /** SSH host keys the clone trusted on first use (the app opted in), for the worker to pin. */
  learnedHostKeys?: string;
}

export async function runDetector(dir: string, env: NodeJS.ProcessEnv): Promise<DetectReport> {
  const report: DetectReport = {};
  const commit = env.COMMIT_FILE ? await readFile(env.COMMIT_FILE, 'utf8').catch(() => '') : '';
  const [sha, author, message] = commit.split('\n');
  if (sha) Object.assign(report, { commit: sha, author, message: message?.slice(0, 500) });
  const learned = env.LEARNED_HOST_KEYS_FILE ? (await readFile(env.LEARNED_HOST_KEYS_FILE, 'utf8').catch(() => '')).trim() : '';
  if (learned) report.learnedHostKeys = learned.slice(0, 16_384);
  try {
    report.plan = await detect(dirReader(dir), (env.BUILD_MODE as BuildMode | undefined) ?? 'AUTO', env.DOCKERFILE_PATH ?? 'Dockerfile');
  } catch (err) {
    report.error = (err as Error).message;
  }
  return report;
}

const isEntry = import.meta.url === `file://${process.argv[1]}`;
if (isEntry) {
  const report = await runDetector(process.argv[2] ?? '.', process.env);
  const out = JSON.stringify(report);
  process.stdout.write(`${report.error ? `detection failed: ${report.error}` : `detected ${report.plan!.language} from ${report.plan!.evidence.join(', ')}`}\n`);
  await writeFile(process.env.TERMINATION_LOG ?? '/dev/termination-log', out).catch(() => {});
  process.exit(report.error ? 1 : 0);
}
