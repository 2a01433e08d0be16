import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { logFormat } from '../src/log.js';

/** A process that logs one event the way the platform does, with LOG_FORMAT as given. */
function logged(env: NodeJS.ProcessEnv): string {
  const code = `
    import { log } from './src/log.ts';
    log.child({ component: 'worker' }).info({ app: 'web', token: 'tok-secret', env: [{ name: 'DB_PASSWORD', value: 'pw-secret' }] }, 'reconciled');
  `;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { encoding: 'utf8', env: { ...process.env, LOG_LEVEL: 'info', ...env } });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
}

describe('log lines', () => {
  it('are JSON off a terminal and when asked, readable lines on a terminal or when asked', () => {
    expect(logFormat({}, false)).toBe('json');
    expect(logFormat({}, true)).toBe('pretty');
    expect(logFormat({ LOG_FORMAT: 'json' }, true)).toBe('json');
    expect(logFormat({ LOG_FORMAT: 'pretty' }, false)).toBe('pretty');
  });

  it('as JSON: one object a line, secrets redacted', () => {
    const out = logged({ LOG_FORMAT: 'json' });
    const lines = out.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 30, component: 'worker', app: 'web', msg: 'reconciled', token: '[redacted]' });
    expect(out).not.toMatch(/tok-secret|pw-secret/);
  });

  it('pretty: one line per event with the time, level, component and message; secrets redacted alike', () => {
    const out = logged({ LOG_FORMAT: 'pretty' });
    const lines = out.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: \[worker\] reconciled \{"app":"web"/);
    expect(out).not.toMatch(/tok-secret|pw-secret/);
    expect(() => JSON.parse(lines[0]!)).toThrow();
  });
});
