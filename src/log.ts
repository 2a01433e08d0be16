import { pino, type DestinationStream, type Logger } from 'pino';
import { PinoPretty } from 'pino-pretty';

/**
 * How log lines are written. JSON (one object a line) for machines: in a cluster, in files, piped
 * anywhere, or asked for with LOG_FORMAT=json. On a terminal (`npm start`), one readable line per
 * event, as people reading a terminal expect; LOG_FORMAT=pretty asks for that anywhere.
 */
export function logFormat(env: NodeJS.ProcessEnv = process.env, isTTY = Boolean(process.stdout.isTTY)): 'json' | 'pretty' {
  if (env.LOG_FORMAT === 'json' || env.LOG_FORMAT === 'pretty') return env.LOG_FORMAT;
  return isTTY ? 'pretty' : 'json';
}

/** A terminal line: time, level, what logged it, the message, then the remaining fields inline. */
export function prettyStream(o: { colorize: boolean }): DestinationStream {
  return PinoPretty({
    colorize: o.colorize,
    destination: 1,
    sync: true, // nothing lost when the process exits right after a line
    singleLine: true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,service,component',
    messageFormat: '{if component}[{component}] {end}{msg}',
  });
}

/**
 * One logger for the process. Redaction is belt and braces: code never logs tokens or env values
 * on purpose, but a request header or a job payload logged whole must not leak one. It applies
 * before formatting, so both formats are redacted alike.
 */
export const log: Logger = pino({
  level: process.env.LOG_LEVEL ?? 'info',
  base: { service: 'yunbang' },
  redact: {
    paths: [
      'req.headers.authorization',
      'req.headers.cookie',
      'secret', 'token', 'password', 'env[*].value',
      '*.secret', '*.token', '*.password', '*.env[*].value',
    ],
    censor: '[redacted]',
  },
}, logFormat() === 'pretty' ? prettyStream({ colorize: Boolean(process.stdout.isTTY) }) : undefined);
