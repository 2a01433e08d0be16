import express from 'express';
import type { AddressInfo } from 'node:net';
import { APP_SELECT, toView, type AppRow } from '../src/intents/app-rows.js';
import { run } from '../server/main.js';

/**
 * The server side of the API benchmark, in its own process so the load generator does not share
 * its event loop: the real API, plus a bare express route that answers the same row from the
 * same Postgres query with no auth, validation or GraphQL (the baseline).
 */
const running = await run(['api'], process.env);
const db = running.platform.db;
const bare = express();
bare.get('/bare/:team/:app', async (req, res) => {
  const { rows } = await db.query<AppRow>(`${APP_SELECT} WHERE t.name = $1 AND a.name = $2 AND a.deleted_at IS NULL AND t.deleted_at IS NULL`, [req.params.team, req.params.app]);
  if (!rows[0]) { res.status(404).end(); return; }
  res.json(toView(rows[0], running.platform.deps));
});
const server = bare.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ barePort: (server.address() as AddressInfo).port })}\n`);
});
process.on('SIGTERM', () => { server.close(); running.stop().then(() => process.exit(0)); });
