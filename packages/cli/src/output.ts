import pc from 'picocolors';
import ora, { type Ora } from 'ora';

/**
 * How yb talks: tables for people, `--json` for scripts (the API's own objects, unchanged),
 * colours only on a terminal and never with NO_COLOR (picocolors checks both), a spinner on
 * stderr for anything that waits (never in --json output, never off a terminal).
 */
export interface Out { json: boolean }

export const colors = pc;

export function print(s = ''): void { process.stdout.write(`${s}\n`); }
export function note(s: string): void { process.stderr.write(`${s}\n`); }
export function printJson(v: unknown): void { process.stdout.write(`${JSON.stringify(v, null, 2)}\n`); }

/** Columns padded to their widest cell; the header dimmed. */
export function table(rows: Record<string, unknown>[], columns: [key: string, title: string][]): void {
  if (rows.length === 0) { print(pc.dim('(none)')); return; }
  const cells = rows.map((r) => columns.map(([k]) => cell(r[k])));
  const widths = columns.map(([, t], i) => Math.max(t.length, ...cells.map((c) => c[i]!.length)));
  print(pc.dim(columns.map(([, t], i) => t.padEnd(widths[i]!)).join('  ').trimEnd()));
  for (const c of cells) print(c.map((v, i) => v.padEnd(widths[i]!)).join('  ').trimEnd());
}

function cell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) return v.join(', ');
  return String(v);
}

/** key: value lines, keys aligned. */
export function fields(pairs: [string, unknown][]): void {
  const w = Math.max(...pairs.map(([k]) => k.length));
  for (const [k, v] of pairs) print(`${pc.dim(k.padEnd(w))}  ${cell(v)}`);
}

export const HEALTH: Record<string, (s: string) => string> = {
  Ready: pc.green, Progressing: pc.cyan, Degraded: pc.yellow, Failed: pc.red, Stopped: pc.dim, Sleeping: pc.dim, Unknown: pc.dim, Missing: pc.dim,
};
export const health = (h: string) => (HEALTH[h] ?? ((s: string) => s))(h);

/** A spinner while `work` runs, on a terminal and without --json; plain otherwise. */
export async function waiting<T>(out: Out, text: string, work: (spinner: Ora | undefined) => Promise<T>): Promise<T> {
  const spinner = !out.json && process.stderr.isTTY ? ora({ text, stream: process.stderr }).start() : undefined;
  try {
    const r = await work(spinner);
    spinner?.succeed();
    return r;
  } catch (err) {
    spinner?.fail();
    throw err;
  }
}
