import { type ReactNode } from 'react';
import { Link, NavLink, useMatch } from 'react-router';
import { AppShell, Burger, Button, Group, NavLink as MantineNavLink, Stack, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useSession } from '../session';
import { AppSearch } from './AppSearch';

const TEAM_PAGES = [
  ['', 'Apps'], ['/topology', 'Topology'], ['/market', 'Market'], ['/events', 'Events'], ['/tokens', 'Tokens'],
] as const;

function whoAmI(p: ReturnType<typeof useSession>['principal']): string {
  if (!p) return '';
  return p.kind === 'admin' ? 'admin' : `${p.tokenName} (${p.role} of ${p.team})`;
}

/** The frame of every screen: header with search and sign-out, and the team's sections. */
export function Layout({ children }: { children: ReactNode }) {
  const { principal, signOut } = useSession();
  const [opened, { toggle, close }] = useDisclosure();
  const team = useMatch('/teams/:team/*')?.params.team;
  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 220, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group wrap="nowrap" gap="sm">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Menu" />
            <Title order={2} size="h4"><Link to="/" style={{ color: 'inherit', textDecoration: 'none' }}>Yunbang</Link></Title>
          </Group>
          {team && <AppSearch team={team} />}
          <Group wrap="nowrap" gap="xs">
            <Text size="sm" c="dimmed" visibleFrom="md">{whoAmI(principal)}</Text>
            <Button variant="subtle" size="compact-sm" onClick={() => void signOut()}>Sign out</Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="sm" aria-label="Sections">
        <Stack gap={2}>
          {principal?.kind === 'admin' && <MantineNavLink component={NavLink} to="/teams" end label="Teams" onClick={close} />}
          {principal?.kind === 'admin' && <MantineNavLink component={NavLink} to="/clusters" end label="Clusters" onClick={close} />}
          {team && <Text size="xs" fw={700} c="dimmed" tt="uppercase" mt="sm" mb={4}>Team {team}</Text>}
          {team && TEAM_PAGES.map(([path, label]) => (
            <MantineNavLink key={label} component={NavLink} to={`/teams/${team}${path}`} end={path === ''} label={label} onClick={close} />
          ))}
        </Stack>
      </AppShell.Navbar>
      <AppShell.Main>{children}</AppShell.Main>
    </AppShell>
  );
}
