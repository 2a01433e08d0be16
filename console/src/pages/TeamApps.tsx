import { memo, useState } from 'react';
import { Link } from 'react-router';
import { Anchor, Badge, Button, Group, Stack, Table, Text, Title } from '@mantine/core';
import { TeamAppsDocument, type AppSummaryFragment } from '../gql/graphql';
import { useSubscription } from '../live';
import { HealthBadge, shownHealth } from '../components/Health';
import { Problem } from '../components/Problem';
import { ago } from '../components/time';
import { useCan } from '../session';
import { useTeam } from '../team';

type Apps = Map<string, AppSummaryFragment>;

/** Applies one update of the team's feed: the first replaces everything, the rest patch. Pure. */
export function applyUpdate(apps: Apps, u: { snapshot: boolean; apps: AppSummaryFragment[]; removed: string[] }): Apps {
  const next: Apps = u.snapshot ? new Map() : new Map(apps);
  for (const a of u.apps) next.set(a.name, a);
  for (const name of u.removed) next.delete(name);
  return next;
}

function source(a: AppSummaryFragment): string {
  if (a.image) return a.image;
  return a.git ? `${a.git.url} (${a.git.branch}), not built yet` : '';
}

/** One row; an update re-renders only the rows of the apps it carries (the others keep their objects). */
const AppRow = memo(function AppRow({ team, app: a }: { team: string; app: AppSummaryFragment }) {
  return (
    <Table.Tr data-app={a.name}>
      <Table.Td><Anchor component={Link} to={`/teams/${team}/apps/${a.name}`} fw={600}>{a.name}</Anchor></Table.Td>
      <Table.Td><HealthBadge health={shownHealth(a)} /></Table.Td>
      <Table.Td data-testid="replicas">{a.status.readyReplicas}/{a.running ? a.status.desiredReplicas : 0}</Table.Td>
      <Table.Td><Text size="sm" truncate maw={280}>{source(a)}{a.currentRelease ? ` · v${a.currentRelease}` : ''}</Text></Table.Td>
      <Table.Td>{a.url && a.defaultDomain ? <Anchor href={a.url} target="_blank" rel="noreferrer" size="sm">{a.defaultDomain}</Anchor> : <Text size="sm" c="dimmed">internal</Text>}</Table.Td>
      <Table.Td><Text size="sm">{ago(a.updatedAt > a.status.updatedAt ? a.updatedAt : a.status.updatedAt)}</Text></Table.Td>
    </Table.Tr>
  );
});

/** The team's apps, live through one subscription: no polling, no query per app. */
export function TeamApps() {
  const team = useTeam();
  const { write } = useCan(team);
  const [apps, setApps] = useState<Apps>();
  const live = useSubscription(TeamAppsDocument, { team }, team, (d) => setApps((cur) => applyUpdate(cur ?? new Map(), d.teamApps)));
  const list = apps ? [...apps.values()].sort((a, b) => a.name.localeCompare(b.name)) : [];
  return (
    <Stack>
      <Group justify="space-between">
        <Group gap="sm">
          <Title order={1} size="h2">Apps</Title>
          <Badge variant="dot" color={live.state === 'live' ? 'green' : 'yellow'} aria-live="polite">{live.state === 'live' ? 'live' : live.state}</Badge>
        </Group>
        {write && <Button component={Link} to={`/teams/${team}/new`}>New app</Button>}
      </Group>
      <Problem error={live.error} />
      {apps && list.length === 0 && <Text c="dimmed">No apps yet{write ? ': create one from an image, a git repository or the market.' : '.'}</Text>}
      {list.length > 0 && (
        <Table.ScrollContainer minWidth={720}>
          <Table highlightOnHover aria-label="Apps" data-testid="apps">
            <Table.Thead>
              <Table.Tr><Table.Th>App</Table.Th><Table.Th>Health</Table.Th><Table.Th>Replicas</Table.Th><Table.Th>Runs</Table.Th><Table.Th>Domain</Table.Th><Table.Th>Changed</Table.Th></Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.map((a) => <AppRow key={a.name} team={team} app={a} />)}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}
