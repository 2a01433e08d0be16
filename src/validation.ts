import type { Resources } from '../k8s/types.js';
import { z } from 'zod';
import { Invalid } from './errors.js';

/**
 * Input rules shared by every edge. Team and app names become Kubernetes object names, so they
 * are checked as Kubernetes checks them before anything is written.
 */

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
// Services need DNS-1035 labels (must start with a letter); app names become Service names.
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const C_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

// The reference grammar of distribution/reference: [domain[:port]/]path[:tag][@digest].
const NAME_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*';
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[0-9a-fA-F:]+\\])(?::[0-9]+)?`;
const IMAGE_REFERENCE = new RegExp(
  `^(?:${DOMAIN}/)?${NAME_COMPONENT}(?:/${NAME_COMPONENT})*(?::[\\w][\\w.-]{0,127})?` +
    `(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?$`,
);

// A Kubernetes resource quantity (the apimachinery grammar, without the rarely used signs).
export const QUANTITY = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[KMGTPE]i|[mkMGTPE]|[eE][+-]?\d+)?$/;
const HOST_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export const MAX_REPLICAS = 100;
/** The largest value of a PostgreSQL integer column (release and sequence numbers). */
export const MAX_INT32 = 2 ** 31 - 1;
export const ROLES = ['owner', 'developer', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export function teamName(maxLength: number) {
  return z.string()
    .max(maxLength, `must be at most ${maxLength} characters (it becomes part of a namespace name)`)
    .regex(DNS1123_LABEL, 'must be a DNS-1123 label: lower-case letters, digits and "-", starting and ending with a letter or digit');
}

export const appName = z.string()
  .max(63, 'must be at most 63 characters')
  .regex(DNS1035_LABEL, 'must be a DNS-1035 label: lower-case letters, digits and "-", starting with a letter and ending with a letter or digit');

export const image = z.string()
  .max(512, 'must be at most 512 characters')
  .refine((v) => IMAGE_REFERENCE.test(v) && v.split('@')[0]!.replace(/:[\w][\w.-]*$/, '').length <= 255,
    'must be an image reference such as nginx:1.27, ghcr.io/org/app:v1 or repo@sha256:<digest>');

export const port = z.number().int('must be a whole number').min(1, 'must be between 1 and 65535').max(65535, 'must be between 1 and 65535');

export const replicas = z.number().int('must be a whole number').min(0, 'must not be negative').max(MAX_REPLICAS, `must be at most ${MAX_REPLICAS}`);

const envName = z.string()
  .max(256, 'must be at most 256 characters')
  .regex(C_IDENTIFIER, 'must be a C identifier: letters, digits and "_", not starting with a digit')
  .refine((v) => v !== 'PORT', 'PORT is set by Yunbang from the app\'s port');

export const env = z.array(z.object({
  name: envName,
  value: z.string().max(32 * 1024, 'must be at most 32 KiB'),
}).strict()).max(200, 'must have at most 200 variables').superRefine((vars, ctx) => {
  const seen = new Set<string>();
  vars.forEach((v, i) => {
    if (seen.has(v.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `duplicate variable ${v.name}` });
    seen.add(v.name);
  });
});

export const hostname = z.string()
  .max(253, 'must be at most 253 characters')
  .transform((v) => v.toLowerCase())
  .refine((v) => {
    const labels = v.split('.');
    if (labels.length < 2) return false;
    if (/^\d+$/.test(labels[labels.length - 1]!)) return false; // an IP address is not a host rule
    return labels.every((l, i) => (i === 0 && l === '*') || (l.length <= 63 && HOST_LABEL.test(l)));
  }, 'must be a fully qualified host name such as app.example.com (a leading "*." wildcard is allowed)');

export const domains = z.array(hostname).max(50, 'must have at most 50 domains').superRefine((hosts, ctx) => {
  const seen = new Set<string>();
  hosts.forEach((h, i) => {
    if (seen.has(h)) ctx.addIssue({ code: 'custom', path: [i], message: `duplicate domain ${h}` });
    seen.add(h);
  });
});

const quantity = z.string().regex(QUANTITY, 'must be a Kubernetes quantity such as 250m, 0.5, 128Mi or 1Gi');
const resourceList = z.object({ cpu: quantity.optional(), memory: quantity.optional() }).strict();

export const resources = z.object({ requests: resourceList.optional(), limits: resourceList.optional() })
  .strict()
  .superRefine((r, ctx) => {
    for (const kind of ['cpu', 'memory'] as const) {
      const req = r.requests?.[kind];
      const lim = r.limits?.[kind];
      if (req !== undefined && lim !== undefined && parseQuantity(req) > parseQuantity(lim)) {
        ctx.addIssue({ code: 'custom', path: ['requests', kind], message: `must not exceed limits.${kind} (${lim})` });
      }
    }
  });
/** The rendered shape lives in k8s/; this fails to compile if the schema and it part ways. */
export type { Resources };
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const resourcesMatch: Same<z.infer<typeof resources>, Resources> = true;
void resourcesMatch;

/**
 * Persistent volumes: each becomes a claim per pod of the app's StatefulSet. Names are DNS-1123
 * labels (they name the claims), mount paths absolute and distinct, sizes storage quantities.
 */
export const volumes = z.array(z.object({
  name: z.string().max(30, 'must be at most 30 characters').regex(DNS1123_LABEL, 'must be a DNS-1123 label'),
  mountPath: z.string().max(255, 'must be at most 255 characters').regex(/^\/[^\s]*$/, 'must be an absolute path such as /data')
    .refine((p) => p !== '/', 'must not be the root directory'),
  size: z.string().regex(QUANTITY, 'must be a Kubernetes quantity such as 1Gi').refine((q) => !QUANTITY.test(q) || parseQuantity(q) >= 2 ** 20, 'must be at least 1Mi'),
  accessMode: z.enum(['ReadWriteOnce', 'ReadWriteMany', 'ReadOnlyMany'], { message: 'must be ReadWriteOnce, ReadWriteMany or ReadOnlyMany' }).default('ReadWriteOnce'),
  storageClass: z.string().max(253).regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'must be a StorageClass name').nullable().default(null),
}).strict()).max(10, 'must have at most 10 volumes').superRefine((vols, ctx) => {
  vols.forEach((v, i) => {
    if (vols.findIndex((w) => w.name === v.name) !== i) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `duplicate volume ${v.name}` });
    if (vols.findIndex((w) => w.mountPath === v.mountPath) !== i) ctx.addIssue({ code: 'custom', path: [i, 'mountPath'], message: `duplicate mount path ${v.mountPath}` });
  });
});

/**
 * Linux capabilities an app may ask for: those the baseline Pod Security Standard allows (the
 * container runtime's defaults but NET_RAW). A restricted team allows NET_BIND_SERVICE alone.
 */
export const BASELINE_CAPABILITIES = [
  'AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT',
] as const;
export const RESTRICTED_CAPABILITIES: readonly string[] = ['NET_BIND_SERVICE'];
export const capabilities = z.array(z.string().pipe(z.enum(BASELINE_CAPABILITIES, { message: `must be one of ${BASELINE_CAPABILITIES.join(', ')} (what the baseline Pod Security Standard allows)` })))
  .max(BASELINE_CAPABILITIES.length)
  .transform((caps) => [...new Set(caps)].sort());

/** An HTTP path for probes: absolute, no spaces. */
export const healthCheckPath = z.string().max(1024, 'must be at most 1024 characters')
  .regex(/^\/[^\s]*$/, 'must be an absolute path such as /healthz');

export const role = z.enum(ROLES, { message: 'must be one of owner, developer, viewer' });

export const tokenName = z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters');

const SUFFIX: Record<string, number> = {
  m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

/**
 * The numeric value of a quantity (precision is ample for comparisons); NaN for anything else, so
 * a comparison in a refinement that runs beside a failed format check is simply false.
 */
export function parseQuantity(q: string): number {
  if (!QUANTITY.test(q)) return NaN;
  const m = /^([\d.]+)(.*)$/.exec(q)!;
  const n = Number(m[1]);
  const suffix = m[2] ?? '';
  if (suffix === '') return n;
  if (/^[eE]/.test(suffix)) return n * 10 ** Number(suffix.slice(1));
  return n * (SUFFIX[suffix] ?? 1);
}

/** Formats a zod path as the field name users wrote: env[0].name, resources.limits.cpu. */
export function fieldPath(path: PropertyKey[]): string {
  return path.reduce<string>((acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${String(p)}` : String(p)), '');
}

/** Parses input against a schema, throwing Invalid with one issue per bad field. */
export function parse<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  throw new Invalid(r.error.issues.map((i) => ({ field: fieldPath(i.path), message: i.message })));
}
