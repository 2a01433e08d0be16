import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { repoFile } from '../scripts/generated.js';

// The console is typed from the API's schema (console/src/gql): a change to the contract that
// breaks a screen fails here, not in a user's browser. Vite's build does not typecheck.
describe('the web console typechecks against the schema', () => {
  it('tsc -p console reports no error', () => {
    const r = spawnSync(process.execPath, [repoFile('node_modules/typescript/bin/tsc'), '--noEmit', '-p', repoFile('console')], { encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  }, 120_000);
});
