import { pino, type Logger } from 'pino';

/**
 * One JSON logger for the process. Redaction is belt and braces: code never logs tokens or env
 * values on purpose, but a request header or a job payload logged whole must not leak one.
 */
export const log: Logger = pino({
  level: process.env.LOG_LEVEL ?? 'info',
  base: { service: 'yunbang' },
  redact: {
    paths: [
      'req.headers.authorization',
      'req.headers.cookie',
      '*.secret', '*.token', '*.password',
      '*.env[*].value',
    ],
    censor: '[redacted]',
  },
});
