import type { Db } from '../../src/db/pool.js';
import { withTx } from '../../src/db/pool.js';
import { log } from '../../src/log.js';
import { describe } from '../../src/describe-error.js';
import { applyRetention, type RetentionDefaults } from '../../src/logs/store.js';

/**
 * Applies log retention every `everyMs` (and once at start): one worker at a time, under a
 * transaction-scoped advisory lock, so several workers never trim the same lines at once.
 */
export function startRetention(db: Db, defaults: RetentionDefaults, everyMs = 10 * 60_000): { stop(): void; runNow(): Promise<void> } {
  const runNow = async () => {
    try {
      const out = await withTx(db, async (tx) => {
        const { rows } = await tx.query<{ ok: boolean }>("SELECT pg_try_advisory_xact_lock(hashtextextended('yunbang-log-retention', 0)) AS ok");
        return rows[0]?.ok ? applyRetention(tx, defaults) : undefined;
      });
      if (out && (out.deletedLines > 0 || out.droppedPartitions > 0)) log.info(out, 'logs: retention applied');
    } catch (err) {
      log.warn({ error: describe(err) }, 'logs: retention failed; will try again');
    }
  };
  const first = setTimeout(() => void runNow(), 5_000);
  first.unref();
  const timer = setInterval(() => void runNow(), everyMs);
  timer.unref();
  return { runNow, stop: () => { clearTimeout(first); clearInterval(timer); } };
}
