import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createYunbangClient } from '../openapi/sdk.js';
import { gql } from './helpers/clients.js';
import { makeTeam, makeToken } from './helpers/fixtures.js';
import { ADMIN, startTestPlatform, type TestPlatform } from './helpers/platform.js';

describe('typed SDK and metrics', () => {
  let t: TestPlatform;
  beforeAll(async () => { t = await startTestPlatform(); });
  afterAll(async () => { await t?.close(); });

  it('the generated SDK drives the REST API with typed calls and typed problems', async () => {
    const team = await makeTeam(t.url);
    const yb = createYunbangClient({ baseUrl: t.url, token: await makeToken(t.url, team, 'developer') });
    const created = await yb.POST('/teams/{team}/apps', { params: { path: { team } }, body: { name: 'sdk', image: 'nginx:1.27', replicas: 2 } });
    expect(created.response.status).toBe(201);
    expect(created.data?.replicas).toBe(2);
    const got = await yb.GET('/teams/{team}/apps/{app}', { params: { path: { team, app: 'sdk' } } });
    expect(got.data?.status.desiredReplicas).toBe(2);
    const missing = await yb.GET('/teams/{team}/apps/{app}', { params: { path: { team, app: 'nope' } } });
    expect(missing.error?.code).toBe('NOT_FOUND');
  });

  it('/metrics counts requests by route template and GraphQL operations by name', async () => {
    const team = await makeTeam(t.url);
    await fetch(`${t.url}/api/v1/teams/${team}`, { headers: { authorization: `Bearer ${ADMIN}` } });
    await gql(t.url, ADMIN)(`query TeamsForMetrics { teams { name } }`);
    const text = await (await fetch(`${t.url}/metrics`)).text();
    expect(text).toMatch(/yunbang_http_requests_total\{method="GET",route="\/api\/v1\/teams\/\{team\}",status="200"\} \d+/);
    expect(text).toMatch(/yunbang_graphql_operations_total\{operation="TeamsForMetrics",outcome="ok"\} 1/);
    expect(text).not.toContain(team); // raw paths never become labels
  });
});
