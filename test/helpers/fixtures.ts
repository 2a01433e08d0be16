import { randomBytes } from 'node:crypto';
import { ADMIN } from './platform.js';
import { rest } from './clients.js';

/** A name unique to this run, valid as a team or app name. */
export const uniq = (prefix: string) => `${prefix}-${randomBytes(3).toString('hex')}`;

/** Creates a team through REST as admin and returns its name. */
export async function makeTeam(url: string, name = uniq('team')): Promise<string> {
  const r = await rest(url, ADMIN)('POST', '/teams', { name });
  if (r.status !== 201) throw new Error(`createTeam ${name}: ${r.status} ${JSON.stringify(r.body)}`);
  return name;
}

/** Creates a team token through REST as admin and returns its secret. */
export async function makeToken(url: string, team: string, role: 'owner' | 'developer' | 'viewer'): Promise<string> {
  const r = await rest(url, ADMIN)('POST', '/tokens', { team, role, name: `${role}-token` });
  if (r.status !== 201) throw new Error(`createApiToken: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.secret;
}
