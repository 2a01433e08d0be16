import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

// The REST contract stays clean under a standard linter (Redocly's recommended rules, see
// redocly.yaml): generated SDKs and documentation read the summaries and 4xx answers it checks.
describe('openapi/openapi.yaml under redocly lint', () => {
  it('has no errors and no warnings', () => {
    const r = spawnSync(process.execPath, ['node_modules/@redocly/cli/bin/cli.js', 'lint', 'openapi/openapi.yaml', '--format=stylish'], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' } });
    const problems = `${r.stdout}\n${r.stderr}`.split('\n').filter((l) => /^\s+\d+:\d+\s+(error|warning)\s/.test(l));
    expect(problems).toEqual([]);
    expect(r.status).toBe(0);
  });
});
