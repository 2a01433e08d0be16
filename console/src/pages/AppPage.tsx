import { useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { Anchor, Badge, Center, Group, Loader, Stack, Tabs, Text, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { gql } from '../api';
import { AppDocument, AppStatusDocument, type AppDetailFragment, type AppStatusSubscription } from '../gql/graphql';
import { useSubscription } from '../live';
import { HealthBadge, shownHealth } from '../components/Health';
import { Problem } from '../components/Problem';
import { Overview } from './app/Overview';
import { Settings } from './app/Settings';
import { Builds } from './app/Builds';
import { Releases } from './app/Releases';
import { Logs } from './app/Logs';
import { AppEvents } from './app/AppEvents';
import { appKey } from '../keys';

const TABS = ['overview', 'settings', 'builds', 'releases', 'logs', 'events'] as const;
const TITLES: Record<(typeof TABS)[number], string> = { overview: 'Overview', settings: 'Settings', builds: 'Builds', releases: 'Releases', logs: 'Logs', events: 'Events' };

/** One app: its tabs are sub-paths (…/builds, …/settings), so every view has its own URL. */
export function AppPage() {
  const { team = '', app = '', tab = 'overview' } = useParams();
  const navigate = useNavigate();
  const client = useQueryClient();
  const key = appKey(team, app);
  const q = useQuery({ queryKey: key, queryFn: ({ signal }) => gql(AppDocument, { team, name: app }, signal) });
  // The status follows live (the subscription sends the whole status, so it replaces the query's),
  // kept with the app it is of: another app's is never shown after a navigation. A newer
  // generation observed (the app was changed, here or elsewhere) or another replica count
  // refreshes the rest of the page.
  const [live, setLive] = useState<{ of: string; status: AppStatusSubscription['appStatus'] }>();
  useSubscription(AppStatusDocument, { team, app }, `${team}/${app}`, (d) => {
    setLive({ of: `${team}/${app}`, status: d.appStatus });
    const known = client.getQueryData<{ app: AppDetailFragment | null }>(key)?.app;
    if (known && (d.appStatus.observedGeneration > known.generation || d.appStatus.desiredReplicas !== known.status.desiredReplicas)) void client.invalidateQueries({ queryKey: key });
  }, Boolean(q.data?.app));
  if (q.isPending) return <Center p="xl"><Loader aria-label="Loading" /></Center>;
  if (q.error) return <Problem error={q.error} />;
  if (!q.data.app) return <Problem error={new Error(`There is no app "${app}" in team ${team}.`)} title="Not found" />;
  const a = live?.of === `${team}/${app}` ? { ...q.data.app, status: live.status } : q.data.app;
  const current = (TABS as readonly string[]).includes(tab) ? tab as (typeof TABS)[number] : 'overview';
  return (
    <Stack>
      <Group justify="space-between" align="flex-start">
        <Stack gap={4}>
          <Group gap="sm">
            <Title order={1} size="h2">{a.name}</Title>
            <HealthBadge health={shownHealth(a)} />
            {a.installation && <Badge variant="outline">{a.installation}</Badge>}
          </Group>
          {a.url && <Anchor href={a.url} target="_blank" rel="noreferrer" size="sm">{a.url}</Anchor>}
        </Stack>
        <Text size="sm" c="dimmed">{a.status.readyReplicas}/{a.running ? a.status.desiredReplicas : 0} ready · cluster {a.cluster}</Text>
      </Group>
      <Tabs value={current} onChange={(v) => void navigate(`/teams/${team}/apps/${app}${v === 'overview' ? '' : `/${v}`}`)} keepMounted={false}>
        <Tabs.List>
          {TABS.map((t) => <Tabs.Tab key={t} value={t}>{TITLES[t]}</Tabs.Tab>)}
        </Tabs.List>
        <Tabs.Panel value="overview" pt="md"><Overview app={a} /></Tabs.Panel>
        <Tabs.Panel value="settings" pt="md"><Settings app={a} /></Tabs.Panel>
        <Tabs.Panel value="builds" pt="md"><Builds app={a} /></Tabs.Panel>
        <Tabs.Panel value="releases" pt="md"><Releases app={a} /></Tabs.Panel>
        <Tabs.Panel value="logs" pt="md"><Logs app={a} /></Tabs.Panel>
        <Tabs.Panel value="events" pt="md"><AppEvents app={a} /></Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
