import { Progress, Stack, Table, Text, Title, Tooltip } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { gql } from '../api';
import { ClusterResourcesDocument } from '../gql/graphql';
import { Problem } from '../components/Problem';

const gib = (b: number) => `${(b / 1024 ** 3).toFixed(1)} GiB`;
const cores = (c: number) => (c < 1 ? `${Math.round(c * 1000)}m` : c.toFixed(2));

/** One resource of one node: requested and in use, each as a share of what pods may use. */
function Bar({ label, allocatable, requested, used, fmt }: { label: string; allocatable: number; requested: number; used: number | null; fmt: (v: number) => string }) {
  const pct = (v: number) => (allocatable > 0 ? Math.min(100, (v / allocatable) * 100) : 0);
  return (
    <Stack gap={2}>
      <Text size="xs">{label}: {used !== null ? `${fmt(used)} in use, ` : ''}{fmt(requested)} requested of {fmt(allocatable)}</Text>
      <Tooltip label={`requested ${pct(requested).toFixed(0)}%${used !== null ? `, in use ${pct(used).toFixed(0)}%` : ''}`}>
        <Progress.Root size="md">
          {used !== null && <Progress.Section value={pct(used)} color="teal" aria-label={`${label} in use`} />}
          <Progress.Section value={Math.max(0, pct(requested) - (used !== null ? pct(used) : 0))} color="blue.2" aria-label={`${label} requested beyond what is in use`} />
        </Progress.Root>
      </Tooltip>
    </Stack>
  );
}

/** A cluster's nodes (the admin's view): capacity, what Yunbang's pods request, what is in use. */
export function ClusterResources({ cluster }: { cluster: string }) {
  const q = useQuery({ queryKey: ['cluster-resources', cluster], queryFn: ({ signal }) => gql(ClusterResourcesDocument, { name: cluster }, signal), refetchInterval: 15_000 });
  const r = q.data?.cluster?.resources;
  return (
    <Stack gap="xs" data-testid={`resources-${cluster}`}>
      <Title order={2} size="h4">{cluster}: nodes</Title>
      <Problem error={q.error} />
      {r && r.nodes.length === 0 && <Text size="sm" c="dimmed">No node reported yet.</Text>}
      {r && r.nodes.length > 0 && (
        <Table aria-label={`Nodes of ${cluster}`}>
          <Table.Thead><Table.Tr><Table.Th>Node</Table.Th><Table.Th>CPU (cores)</Table.Th><Table.Th>Memory</Table.Th><Table.Th>Pods</Table.Th></Table.Tr></Table.Thead>
          <Table.Tbody>
            {r.nodes.map((n) => (
              <Table.Tr key={n.name} data-node={n.name}>
                <Table.Td><Text size="sm" fw={600}>{n.name}</Text><Text size="xs" c={n.ready ? 'dimmed' : 'red'}>{n.ready ? 'Ready' : 'not ready'}</Text></Table.Td>
                <Table.Td miw={220}><Bar label="CPU" allocatable={n.allocatable.cpuCores} requested={n.requests.cpuCores} used={n.usage?.cpuCores ?? null} fmt={cores} /></Table.Td>
                <Table.Td miw={220}><Bar label="Memory" allocatable={n.allocatable.memoryBytes} requested={n.requests.memoryBytes} used={n.usage?.memoryBytes ?? null} fmt={gib} /></Table.Td>
                <Table.Td><Text size="sm">{n.requests.pods} of {n.allocatable.pods}</Text></Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <Text size="xs" c="dimmed">Requests are those of the pods Yunbang runs there; use is the kubelet's, through Prometheus.</Text>
    </Stack>
  );
}
