import { Badge, Button, Stack, Table, Text } from '@mantine/core';
import { useInfiniteQuery } from '@tanstack/react-query';
import { gql } from '../api';
import { EventsDocument } from '../gql/graphql';
import { Problem } from './Problem';
import { ago } from './time';

/** The team's audit trail, newest first, paged; `subject` narrows it to one thing (an app). */
export function EventList({ team, subject }: { team: string; subject?: string }) {
  const events = useInfiniteQuery({
    queryKey: ['events', team],
    queryFn: ({ pageParam, signal }) => gql(EventsDocument, { team, before: pageParam }, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => (last.events.length === 50 ? last.events[last.events.length - 1]!.id : undefined),
  });
  const list = (events.data?.pages.flatMap((p) => p.events) ?? []).filter((e) => !subject || e.subject === subject);
  return (
    <Stack>
      <Problem error={events.error} />
      {events.data && list.length === 0 && <Text c="dimmed">No events.</Text>}
      {list.length > 0 && (
        <Table.ScrollContainer minWidth={640}>
          <Table aria-label="Events">
            <Table.Thead><Table.Tr><Table.Th>When</Table.Th><Table.Th>Action</Table.Th><Table.Th>Subject</Table.Th><Table.Th>By</Table.Th><Table.Th>Outcome</Table.Th><Table.Th>Details</Table.Th></Table.Tr></Table.Thead>
            <Table.Tbody>
              {list.map((e) => (
                <Table.Tr key={e.id}>
                  <Table.Td><Text size="sm" title={e.createdAt}>{ago(e.createdAt)}</Text></Table.Td>
                  <Table.Td><Text size="sm">{e.action}</Text></Table.Td>
                  <Table.Td><Text size="sm">{e.subject}</Text></Table.Td>
                  <Table.Td><Text size="sm">{e.actor}</Text></Table.Td>
                  <Table.Td><Badge color={e.outcome === 'success' ? 'green' : 'red'} variant="dot">{e.outcome}</Badge></Table.Td>
                  <Table.Td><Text size="sm">{e.message}</Text></Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {events.hasNextPage && <Button variant="default" onClick={() => void events.fetchNextPage()} loading={events.isFetchingNextPage}>Older events</Button>}
    </Stack>
  );
}

