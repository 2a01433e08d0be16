import { useEffect, useRef, useState } from 'react';
import { Badge, Button, Card, Code, Group, ScrollArea, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { notifications } from '@mantine/notifications';
import { gql } from '../../api';
import { BuildLogsDocument, BuildsDocument, CancelBuildDocument, TriggerBuildDocument, type AppDetailFragment, type BuildRowFragment } from '../../gql/graphql';
import { useSubscription } from '../../live';
import { useCan } from '../../session';
import { ago } from '../../components/time';
import { Problem } from '../../components/Problem';

const RUNNING = new Set(['queued', 'detecting', 'building']);
const COLOR: Record<string, string> = { succeeded: 'green', failed: 'red', cancelled: 'gray', superseded: 'gray', queued: 'blue', detecting: 'blue', building: 'blue' };

/** What detection decided, and from which file. */
function Detection({ plan }: { plan: BuildRowFragment['plan'] }) {
  if (!plan) return <Text size="sm" c="dimmed">not detected yet</Text>;
  return (
    <Text size="sm">
      {plan.language}{plan.version ? ` ${plan.version}` : ''}{plan.framework ? ` · ${plan.framework}` : ''}
      {plan.versionSource && <Text span c="dimmed"> (version from {plan.versionSource})</Text>}
      {plan.evidence.length > 0 && <Text span c="dimmed"> · decided by {plan.evidence.join(', ')}</Text>}
    </Text>
  );
}

/** The build's log: every line so far, then new ones live, until the build ends. */
function BuildLog({ build, onEnd }: { build: BuildRowFragment; onEnd: () => void }) {
  const [lines, setLines] = useState<{ seq: number; line: string }[]>([]);
  const viewport = useRef<HTMLDivElement>(null);
  const stick = useRef(true);
  useEffect(() => setLines([]), [build.id]);
  const live = useSubscription(BuildLogsDocument, { buildId: build.id }, build.id, (d) => {
    setLines((cur) => (cur.length && cur[cur.length - 1]!.seq >= d.buildLogs.seq ? cur : [...cur, d.buildLogs]));
  });
  // The log ends with the build: the list is read again to show how it ended.
  useEffect(() => { if (live.state === 'ended') onEnd(); }, [live.state, onEnd]);
  useEffect(() => { if (stick.current) viewport.current?.scrollTo({ top: viewport.current.scrollHeight }); }, [lines]);
  return (
    <Card withBorder>
      <Group justify="space-between" mb="xs"><Title order={3} size="h5">Build #{build.number} log</Title><Badge color={COLOR[build.status]} variant="dot">{build.status}</Badge></Group>
      <ScrollArea h={320} viewportRef={viewport} onScrollPositionChange={({ y }) => { const v = viewport.current; if (v) stick.current = y + v.clientHeight >= v.scrollHeight - 8; }}>
        <Code block data-testid="build-log" aria-live="off" tabIndex={0}>{lines.map((l) => l.line).join('\n') || 'waiting for output…'}</Code>
      </ScrollArea>
    </Card>
  );
}

export function Builds({ app }: { app: AppDetailFragment }) {
  const { write } = useCan(app.team);
  const client = useQueryClient();
  const key = ['builds', app.team, app.name];
  const builds = useQuery({ queryKey: key, queryFn: ({ signal }) => gql(BuildsDocument, { team: app.team, app: app.name }, signal), refetchInterval: (q) => (q.state.data?.builds.some((b) => RUNNING.has(b.status)) ? 3000 : false) });
  const [selected, setSelected] = useState<string>();
  const [ref, setRef] = useState('');
  const trigger = useMutation({
    mutationFn: () => gql(TriggerBuildDocument, { team: app.team, app: app.name, ref: ref.trim() || undefined }),
    onSuccess: (r) => { setSelected(r.triggerBuild.build.id); void client.invalidateQueries({ queryKey: key }); },
    onError: (err: Error) => notifications.show({ title: 'Not built', message: err.message, color: 'red' }),
  });
  const cancel = useMutation({
    mutationFn: (id: string) => gql(CancelBuildDocument, { id }),
    onSuccess: () => void client.invalidateQueries({ queryKey: key }),
    onError: (err: Error) => notifications.show({ title: 'Not cancelled', message: err.message, color: 'red' }),
  });
  if (!app.git) return <Text c="dimmed">This app runs a ready image; it has no builds.</Text>;
  const list = builds.data?.builds ?? [];
  const shown = list.find((b) => b.id === selected) ?? list.find((b) => RUNNING.has(b.status)) ?? list[0];
  return (
    <Stack>
      <Group justify="space-between">
        <Text size="sm">Builds of {app.git.url} ({app.git.branch})</Text>
        {write && (
          <Group gap="xs" component="form" onSubmit={(e) => { e.preventDefault(); trigger.mutate(); }} aria-label="Build">
            <TextInput aria-label="Branch, tag or commit (default: the app's branch)" placeholder={app.git.branch} value={ref} onChange={(e) => setRef(e.currentTarget.value)} w={180} />
            <Button type="submit" loading={trigger.isPending}>Build now</Button>
          </Group>
        )}
      </Group>
      <Problem error={builds.error} />
      {list.length === 0 && builds.data && <Text c="dimmed">No builds yet.</Text>}
      {list.length > 0 && (
        <Table.ScrollContainer minWidth={720}>
          <Table highlightOnHover aria-label="Builds">
            <Table.Thead><Table.Tr><Table.Th>#</Table.Th><Table.Th>Status</Table.Th><Table.Th>Commit</Table.Th><Table.Th>Detected</Table.Th><Table.Th>Started</Table.Th><Table.Th /></Table.Tr></Table.Thead>
            <Table.Tbody>
              {list.map((b) => (
                <Table.Tr key={b.id} data-build={b.number} bg={b.id === shown?.id ? 'var(--mantine-color-default-hover)' : undefined}>
                  <Table.Td>{b.number}</Table.Td>
                  <Table.Td><Badge color={COLOR[b.status]} variant="dot">{b.status}</Badge>{b.failureReason && <Text size="xs" c="red">{b.failureReason}</Text>}</Table.Td>
                  <Table.Td><Text size="sm">{b.commit?.slice(0, 8) ?? b.ref}{b.message ? ` ${b.message.split('\n')[0]}` : ''}</Text></Table.Td>
                  <Table.Td><Detection plan={b.plan} /></Table.Td>
                  <Table.Td><Text size="sm">{ago(b.startedAt ?? b.createdAt)}</Text></Table.Td>
                  <Table.Td>
                    <Group gap={4} wrap="nowrap">
                      <Button size="compact-sm" variant="subtle" onClick={() => setSelected(b.id)} aria-label={`Show the log of build ${b.number}`}>Log</Button>
                      {write && RUNNING.has(b.status) && <Button size="compact-sm" variant="light" color="red" onClick={() => cancel.mutate(b.id)}>Cancel</Button>}
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {shown && <BuildLog key={shown.id} build={shown} onEnd={() => void client.invalidateQueries({ queryKey: key })} />}
    </Stack>
  );
}
