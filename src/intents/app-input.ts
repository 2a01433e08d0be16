import { z } from 'zod';
import { type FieldIssue } from '../errors.js';
import * as v from '../validation.js';
import { buildMode, dockerfilePath, gitCredentials, gitInput } from './source.js';

/** What createApp and updateApp accept, checked before anything is written. */

export const specFields = {
  image: v.image,
  port: v.port,
  replicas: v.replicas,
  env: v.env,
  domains: v.domains,
  resources: v.resources,
  capabilities: v.capabilities,
  // "" clears it too, for clients (GraphQL) where null means "leave as is".
  healthCheckPath: z.union([z.literal('').transform(() => null), v.healthCheckPath]).nullable(),
  tls: z.boolean(),
};

export const createSchema = z.object({
  team: z.string(),
  name: v.appName,
  image: v.image.optional(),
  git: gitInput.optional(),
  gitCredentials: gitCredentials.optional(),
  buildMode: buildMode.default('AUTO'),
  dockerfilePath: dockerfilePath.default('Dockerfile'),
  port: v.port.default(8080),
  replicas: v.replicas.default(1),
  env: v.env.default([]),
  domains: v.domains.default([]),
  resources: v.resources.default({}),
  capabilities: v.capabilities.default([]),
  healthCheckPath: specFields.healthCheckPath.default(null),
  tls: z.boolean().default(false),
  volumes: v.volumes.default([]),
  cluster: z.string().optional(),
}).superRefine((a, ctx) => {
  if ((a.image === undefined) === (a.git === undefined)) ctx.addIssue({ code: 'custom', path: ['image'], message: 'give exactly one of image or git' });
  // A StatefulSet's pods carry a controller-revision-hash label of its name plus 11 characters (at most 63).
  if (a.volumes.length > 0 && a.name.length > MAX_STATEFUL_NAME) ctx.addIssue({ code: 'custom', path: ['name'], message: `must be at most ${MAX_STATEFUL_NAME} characters for an app with volumes` });
});
const MAX_STATEFUL_NAME = 52;
export type CreateAppInput = z.input<typeof createSchema>;

/** What createApp would refuse in these fields, for apps created another way (template installs). */
export function newAppIssues(fields: Omit<CreateAppInput, 'team'>): FieldIssue[] {
  const r = createSchema.safeParse({ ...fields, team: '' });
  return r.success ? [] : r.error.issues.map((i) => ({ field: v.fieldPath(i.path), message: i.message }));
}

export const updateSchema = z.object({
  team: z.string(),
  name: z.string(),
  image: specFields.image.optional(),
  git: gitInput.optional(),
  // null removes stored credentials
  gitCredentials: gitCredentials.nullable().optional(),
  buildMode: buildMode.optional(),
  dockerfilePath: dockerfilePath.optional(),
  port: specFields.port.optional(),
  replicas: specFields.replicas.optional(),
  env: specFields.env.optional(),
  domains: specFields.domains.optional(),
  resources: specFields.resources.optional(),
  capabilities: specFields.capabilities.optional(),
  healthCheckPath: specFields.healthCheckPath.optional(),
  tls: specFields.tls.optional(),
});
export type UpdateAppInput = z.input<typeof updateSchema>;
