import { useState } from 'react';
import { Badge, Button, Group, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { gql } from '../api';
import { AllowTeamClusterDocument, ClustersDocument, CordonClusterDocument, DisallowTeamClusterDocument, UncordonClusterDocument } from '../gql/graphql';
import { Problem } from '../components/Problem';
import { ClusterResources } from './ClusterResources';

const HEALTH: Record<string, string> = { Ready: 'green', Degraded: 'orange', Unreachable: 'red', Unknown: 'gray' };

/**
 * The clusters (the admin's view): their health, cordon and uncordon, each one's nodes (capacity,
 * requests, use), and which teams may run apps where. Registering a cluster takes a kubeconfig and stays with the API and `yb`.
 */
export default function Clusters() {
  const client = useQueryClient();
  const clusters = useQuery({ queryKey: ['clusters'], queryFn: ({ signal }) => gql(ClustersDocument, {}, signal) });
  const refresh = () => void client.invalidateQueries({ queryKey: ['clusters'] });
  const cordon = useMutation({ mutationFn: async (v: { name: string; on: boolean }): Promise<void> => {
    if (v.on) await gql(CordonClusterDocument, { name: v.name }); else await gql(UncordonClusterDocument, { name: v.name });
  }, onSuccess: refresh });
  const [team, setTeam] = useState('');
  const [cluster, setCluster] = useState<string | null>(null);
  const allow = useMutation({
    mutationFn: async (v: { allow: boolean }): Promise<void> => {
      const vars = { team: team.trim(), cluster: cluster! };
      if (v.allow) await gql(AllowTeamClusterDocument, vars); else await gql(DisallowTeamClusterDocument, vars);
    },
    onSuccess: () => { refresh(); void client.invalidateQueries({ queryKey: ['teams'] }); },
  });
  const list = clusters.data?.clusters ?? [];
  return (
    <Stack>
      <Title order={1} size="h2">Clusters</Title>
      <Problem error={clusters.error ?? cordon.error ?? allow.error} />
      <Table.ScrollContainer minWidth={720}>
        <Table aria-label="Clusters">
          <Table.Thead><Table.Tr><Table.Th>Cluster</Table.Th><Table.Th>Health</Table.Th><Table.Th>Apps</Table.Th><Table.Th>Teams</Table.Th><Table.Th>Apps domain</Table.Th><Table.Th>Version</Table.Th><Table.Th /></Table.Tr></Table.Thead>
          <Table.Tbody>
            {list.map((c) => (
              <Table.Tr key={c.name} data-cluster={c.name}>
                <Table.Td><Text size="sm" fw={600}>{c.name}</Text><Text size="xs" c="dimmed">{c.server}</Text></Table.Td>
                <Table.Td><Group gap={4}><Badge variant="dot" color={HEALTH[c.health] ?? 'gray'}>{c.health}</Badge>{c.cordoned && <Badge variant="outline" color="gray">cordoned</Badge>}</Group>
                  {c.lastError && <Text size="xs" c="red">{c.lastError}</Text>}</Table.Td>
                <Table.Td>{c.apps}</Table.Td>
                <Table.Td>{c.teams}</Table.Td>
                <Table.Td><Text size="sm">{c.appsDomain}</Text></Table.Td>
                <Table.Td><Text size="sm">{c.version ?? ''}{c.nodes !== null ? ` · ${c.nodes} node(s)` : ''}</Text></Table.Td>
                <Table.Td><Button size="compact-sm" variant="default" onClick={() => cordon.mutate({ name: c.name, on: !c.cordoned })}>{c.cordoned ? 'Uncordon' : 'Cordon'}</Button></Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {list.map((c) => <ClusterResources key={c.name} cluster={c.name} />)}
      <Group align="flex-end" component="form" aria-label="A team's clusters" onSubmit={(e) => { e.preventDefault(); }}>
        <TextInput label="Team" value={team} onChange={(e) => setTeam(e.currentTarget.value)} w={200} />
        <Select label="Cluster" data={list.map((c) => c.name)} value={cluster} onChange={setCluster} w={200} />
        <Button variant="light" disabled={!team.trim() || !cluster} loading={allow.isPending && allow.variables?.allow} onClick={() => allow.mutate({ allow: true })}>Allow</Button>
        <Button variant="default" disabled={!team.trim() || !cluster} loading={allow.isPending && !allow.variables?.allow} onClick={() => allow.mutate({ allow: false })}>Disallow</Button>
      </Group>
    </Stack>
  );
}
