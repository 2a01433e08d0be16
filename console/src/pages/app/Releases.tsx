import { Badge, Button, Group, Stack, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { gql } from '../../api';
import { ReleasesDocument, RollbackDocument, type AppDetailFragment } from '../../gql/graphql';
import { useCan } from '../../session';
import { ago } from '../../components/time';
import { Problem } from '../../components/Problem';
import { useAppMutation } from './mutate';

/** Every release, newest first; any earlier one can be rolled back to (a new release with its image and config). */
export function Releases({ app }: { app: AppDetailFragment }) {
  const { write } = useCan(app.team);
  const releases = useQuery({ queryKey: ['releases', app.team, app.name, app.currentRelease], queryFn: ({ signal }) => gql(ReleasesDocument, { team: app.team, app: app.name }, signal) });
  const rollback = useAppMutation({ team: app.team, name: app.name }, (n: number) => gql(RollbackDocument, { team: app.team, app: app.name, release: n }).then((r) => r.rollbackApp), 'Rolled back');
  const list = releases.data?.releases ?? [];
  return (
    <Stack>
      <Problem error={releases.error} />
      {releases.data && list.length === 0 && <Text c="dimmed">No releases yet: a git app gets its first with its first successful build.</Text>}
      {list.length > 0 && (
        <Table.ScrollContainer minWidth={640}>
          <Table aria-label="Releases">
            <Table.Thead><Table.Tr><Table.Th>Release</Table.Th><Table.Th>What changed</Table.Th><Table.Th>Image</Table.Th><Table.Th>By</Table.Th><Table.Th>When</Table.Th><Table.Th /></Table.Tr></Table.Thead>
            <Table.Tbody>
              {list.map((r) => (
                <Table.Tr key={r.number} data-release={r.number}>
                  <Table.Td><Group gap={6} wrap="nowrap">v{r.number}{r.number === app.currentRelease && <Badge size="sm">current</Badge>}</Group></Table.Td>
                  <Table.Td><Text size="sm">{r.description}</Text></Table.Td>
                  <Table.Td><Text size="sm" truncate maw={240}>{r.image}</Text></Table.Td>
                  <Table.Td><Text size="sm">{r.createdBy}</Text></Table.Td>
                  <Table.Td><Text size="sm">{ago(r.createdAt)}</Text></Table.Td>
                  <Table.Td>{write && r.number !== app.currentRelease && (
                    <Button size="compact-sm" variant="light" loading={rollback.isPending && rollback.variables === r.number} onClick={() => rollback.mutate(r.number)} aria-label={`Roll back to v${r.number}`}>Roll back</Button>
                  )}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}
