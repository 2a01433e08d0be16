import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { Anchor, Button, Card, Group, List, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { gql } from '../api';
import { AddDependencyDocument, RemoveDependencyDocument, TeamAppsDocument, TopologyDocument, type TopologyQuery } from '../gql/graphql';
import { useSubscription } from '../live';
import { shownHealth } from '../components/Health';
import { Problem } from '../components/Problem';
import { useCan } from '../session';
import { useTeam } from '../team';

type Graph = TopologyQuery['topology'];
// Dark enough for white text at WCAG AA (4.5:1).
const FILL: Record<string, string> = { Ready: '#1e6b2f', Progressing: '#1864ab', Degraded: '#9c3d00', Failed: '#b02525', Stopped: '#495057' };
const W = 150, H = 44, GX = 90, GY = 28;

/**
 * Columns by depth: an app sits left of everything it depends on, so edges point right. Each
 * node's column is the length of the longest dependency chain below it. Pure.
 */
export function layout(g: Graph): Map<string, { x: number; y: number }> {
  const deps = new Map<string, string[]>();
  for (const e of g.edges) deps.set(e.from, [...(deps.get(e.from) ?? []), e.to]);
  const depth = new Map<string, number>();
  const visit = (id: string, seen: Set<string>): number => {
    if (depth.has(id)) return depth.get(id)!;
    if (seen.has(id)) return 0; // a cycle (the API refuses them; draw anyway)
    seen.add(id);
    const d = Math.max(-1, ...(deps.get(id) ?? []).map((t) => visit(t, seen))) + 1;
    depth.set(id, d);
    return d;
  };
  for (const n of g.nodes) visit(n.id, new Set());
  const max = Math.max(0, ...depth.values());
  const rows = new Map<number, number>();
  const at = new Map<string, { x: number; y: number }>();
  for (const n of [...g.nodes].sort((a, b) => a.id.localeCompare(b.id))) {
    const col = max - depth.get(n.id)!;
    const row = rows.get(col) ?? 0;
    rows.set(col, row + 1);
    at.set(n.id, { x: 20 + col * (W + GX), y: 20 + row * (H + GY) });
  }
  return at;
}

/** The team's apps as a graph from one query: dependencies as edges, health as colour. */
export default function Topology() {
  const team = useTeam();
  const { write } = useCan(team);
  const navigate = useNavigate();
  const client = useQueryClient();
  const key = ['topology', team];
  const q = useQuery({ queryKey: key, queryFn: ({ signal }) => gql(TopologyDocument, { team }, signal) });
  const [from, setFrom] = useState<string | null>(null);
  const [to, setTo] = useState<string | null>(null);
  const [otherTeam, setOtherTeam] = useState('');
  const [otherApp, setOtherApp] = useState('');
  const refresh = () => void client.invalidateQueries({ queryKey: key });
  const add = useMutation({
    mutationFn: () => gql(AddDependencyDocument, { input: { team, app: from!, ...(otherTeam.trim() ? { dependsOn: otherApp.trim(), dependsOnTeam: otherTeam.trim() } : { dependsOn: to! }) } }),
    onSuccess: () => { setFrom(null); setTo(null); setOtherTeam(''); setOtherApp(''); refresh(); },
  });
  const remove = useMutation({ mutationFn: (e: { from: string; to: string }) => {
    const [toTeam, toApp] = e.to.split('/') as [string, string];
    return gql(RemoveDependencyDocument, { input: { team, app: e.from.split('/')[1]!, dependsOn: toApp, dependsOnTeam: toTeam === team ? undefined : toTeam } });
  }, onSuccess: refresh });
  // Health follows live through the team's app feed; the graph's shape comes from the query.
  const [health, setHealth] = useState<Map<string, string>>(new Map());
  useSubscription(TeamAppsDocument, { team }, `topology:${team}`, (d) => setHealth((cur) => {
    const next = d.teamApps.snapshot ? new Map<string, string>() : new Map(cur);
    for (const a of d.teamApps.apps) next.set(a.name, shownHealth(a));
    for (const name of d.teamApps.removed) next.delete(name);
    if (d.teamApps.apps.some((a) => !q.data?.topology.nodes.some((n) => n.team === team && n.app === a.name)) || d.teamApps.removed.length) refresh();
    return next;
  }));
  const g = q.data?.topology;
  const at = g ? layout(g) : new Map<string, { x: number; y: number }>();
  const width = Math.max(320, ...[...at.values()].map((p) => p.x + W + 20));
  const height = Math.max(120, ...[...at.values()].map((p) => p.y + H + 20));
  const own = g?.nodes.filter((n) => n.team === team).map((n) => n.app) ?? [];
  const ready = Boolean(from && (otherTeam.trim() ? otherApp.trim() : to));
  const submit = (e: FormEvent) => { e.preventDefault(); if (ready) add.mutate(); };
  return (
    <Stack>
      <Title order={1} size="h2">Topology</Title>
      <Problem error={q.error ?? add.error ?? remove.error} />
      {g && g.nodes.length === 0 && <Text c="dimmed">No apps yet.</Text>}
      {g && g.nodes.length > 0 && (
        <Card withBorder p={0} style={{ overflow: 'auto' }} tabIndex={0} aria-label="Dependency graph (scrolls)">
          <svg width={width} height={height} role="group" aria-label={`Dependency graph of ${g.nodes.length} apps and ${g.edges.length} dependencies`} data-testid="topology">
            <defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#868e96" /></marker></defs>
            {g.edges.map((e) => {
              const a = at.get(e.from)!, b = at.get(e.to)!;
              return <line key={`${e.from}>${e.to}`} data-edge={`${e.from}>${e.to}`} x1={a.x + W} y1={a.y + H / 2} x2={b.x} y2={b.y + H / 2} stroke="#868e96" strokeWidth={1.5} markerEnd="url(#arrow)" />;
            })}
            {g.nodes.map((n) => {
              const p = at.get(n.id)!;
              const mine = n.team === team;
              const h = mine ? health.get(n.app) ?? n.health : n.health;
              return (
                <g key={n.id} data-node={n.id} transform={`translate(${p.x},${p.y})`} style={{ cursor: mine ? 'pointer' : 'default' }}
                  {...(mine ? { role: 'link', tabIndex: 0, 'aria-label': `${n.app}: ${h ?? 'unknown'}` } : {})}
                  onClick={() => mine && void navigate(`/teams/${team}/apps/${n.app}`)}
                  onKeyDown={(e) => { if (mine && (e.key === 'Enter' || e.key === ' ')) { e.preventDefault(); void navigate(`/teams/${team}/apps/${n.app}`); } }}>
                  <rect width={W} height={H} rx={8} fill={h ? FILL[h] ?? '#495057' : '#5c636a'} />
                  <text x={W / 2} y={18} textAnchor="middle" fill="#fff" fontSize={13} fontWeight={600}>{mine ? n.app : `${n.team}/${n.app}`}</text>
                  <text x={W / 2} y={34} textAnchor="middle" fill="#fff" fontSize={11}>{h ?? 'other team'}</text>
                </g>
              );
            })}
          </svg>
        </Card>
      )}
      {g && g.edges.length > 0 && (
        <Card withBorder>
          <Title order={2} size="h5" mb="xs">Dependencies</Title>
          <List spacing={4}>
            {g.edges.map((e) => (
              <List.Item key={`${e.from}>${e.to}`}>
                <Group gap="xs">
                  <Anchor component={Link} to={`/teams/${team}/apps/${e.from.split('/')[1]}`}>{e.from.split('/')[1]}</Anchor>
                  <Text size="sm">depends on {e.to.startsWith(`${team}/`) ? e.to.split('/')[1] : e.to}</Text>
                  {write && <Button size="compact-xs" variant="subtle" color="red" onClick={() => remove.mutate(e)} aria-label={`Remove dependency of ${e.from.split('/')[1]} on ${e.to}`}>Remove</Button>}
                </Group>
              </List.Item>
            ))}
          </List>
        </Card>
      )}
      {write && own.length > 0 && (
        <Card withBorder component="form" onSubmit={submit} aria-label="Add a dependency">
          <Stack gap="xs">
            <Group align="flex-end">
              <Select label="App" data={own} value={from} onChange={setFrom} w={200} />
              <Select label="Depends on" data={own.filter((n) => n !== from)} value={to} onChange={setTo} w={200} disabled={Boolean(otherTeam.trim())} />
              <Button type="submit" disabled={!ready} loading={add.isPending}>Add dependency</Button>
            </Group>
            <Group align="flex-end">
              <TextInput label="Or another team's shared app: team" value={otherTeam} onChange={(e) => setOtherTeam(e.currentTarget.value)} w={240} />
              <TextInput label="app" value={otherApp} onChange={(e) => setOtherApp(e.currentTarget.value)} w={200} />
            </Group>
          </Stack>
        </Card>
      )}
    </Stack>
  );
}
