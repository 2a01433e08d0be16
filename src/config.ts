import { z } from 'zod';

/**
 * Configuration comes only from environment variables (12-factor). It is validated once at
 * start; every bad or missing value is reported by name, and values are never echoed back
 * (some are secrets).
 */
const url = (protocols: string[]) =>
  z.string().refine((v) => {
    try { return protocols.includes(new URL(v).protocol); } catch { return false; }
  }, `must be a URL (${protocols.join(' or ')})`);

const schema = z.object({
  DATABASE_URL: url(['postgres:', 'postgresql:']),
  ETCD_ENDPOINTS: z.string().min(1, 'required')
    .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
    .pipe(z.array(url(['http:', 'https:'])).min(1, 'needs at least one endpoint')),
  // Absent in a cluster: the in-cluster service account is used instead.
  KUBECONFIG: z.string().min(1).optional(),
  YUNBANG_ADMIN_TOKEN: z.string().min(24, 'must be at least 24 characters'),
  PORT: z.coerce.number().int().min(1).max(65535).default(8080),
  HOST: z.string().default('0.0.0.0'),
  YUNBANG_PUBLIC_URL: url(['http:', 'https:']).optional(),
  YUNBANG_MAX_BODY: z.string().regex(/^\d+(b|kb|mb)$/, 'must be like 512kb or 1mb').default('1mb'),
  YUNBANG_NAMESPACE_PREFIX: z.string().regex(/^[a-z][-a-z0-9]{0,14}$/, 'must be lower-case letters, digits and "-", at most 15 characters').default('yb-'),
  YUNBANG_BOSS_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]*$/, 'must be a lower-case SQL identifier').default('pgboss'),
});

export type Config = Omit<z.infer<typeof schema>, 'YUNBANG_PUBLIC_URL'> & { YUNBANG_PUBLIC_URL: string };

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => {
      const name = String(i.path[0] ?? '?');
      const message = env[name] === undefined ? 'required but not set' : i.message;
      return `${name}: ${message}`;
    });
    throw new ConfigError(problems);
  }
  const c = parsed.data;
  return { ...c, YUNBANG_PUBLIC_URL: c.YUNBANG_PUBLIC_URL ?? `http://localhost:${c.PORT}` };
}
