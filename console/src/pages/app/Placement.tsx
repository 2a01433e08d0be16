import { useState, type FormEvent } from 'react';
import { Badge, Button, Card, Group, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { ApiError, gql } from '../../api';
import { MoveAppDocument, ShareAppDocument, TeamClustersDocument, UnshareAppDocument, type AppDetailFragment } from '../../gql/graphql';
import { useAppMutation } from './mutate';

/** Which teams may depend on the app (shareApp), and which cluster it runs in (moveApp). */
export function Placement({ app, write }: { app: AppDetailFragment; write: boolean }) {
  const ref = { team: app.team, name: app.name };
  const [withTeam, setWithTeam] = useState('');
  const share = useAppMutation(ref, (t: string) => gql(ShareAppDocument, { input: { team: app.team, app: app.name, withTeam: t } }).then((r) => r.shareApp), 'Shared');
  const unshare = useAppMutation(ref, (t: string) => gql(UnshareAppDocument, { input: { team: app.team, app: app.name, withTeam: t } }).then((r) => r.unshareApp), 'No longer shared');
  const clusters = useQuery({ queryKey: ['teamClusters', app.team], queryFn: ({ signal }) => gql(TeamClustersDocument, { team: app.team }, signal) });
  const [target, setTarget] = useState<string | null>(null);
  const move = useAppMutation(ref, (cluster: string) => gql(MoveAppDocument, { input: { team: app.team, app: app.name, cluster } }).then((r) => r.moveApp), 'Moving');
  const others = (clusters.data?.team?.clusters ?? []).filter((c) => c !== app.cluster);
  const submitShare = (e: FormEvent) => { e.preventDefault(); if (withTeam.trim()) share.mutate(withTeam.trim(), { onSuccess: () => setWithTeam('') }); };
  const shareError = share.error instanceof ApiError ? share.error.field('withTeam') ?? share.error.message : undefined;
  return (
    <>
      <Card withBorder>
        <Stack gap="xs">
          <Title order={2} size="h4">Shared with</Title>
          <Text size="sm">Other teams' apps may depend on this one (they get its connection info) once it is shared with their team.</Text>
          {app.sharedWith.length === 0 && <Text size="sm" c="dimmed">No other team.</Text>}
          {app.sharedWith.map((t) => (
            <Group key={t} gap="xs">
              <Badge variant="outline">{t}</Badge>
              {write && <Button size="compact-xs" variant="subtle" color="red" onClick={() => unshare.mutate(t)} aria-label={`Stop sharing with ${t}`}>Stop sharing</Button>}
            </Group>
          ))}
          {write && (
            <Group align="flex-start" component="form" onSubmit={submitShare} aria-label="Share with a team">
              <TextInput label="Team" value={withTeam} onChange={(e) => setWithTeam(e.currentTarget.value)} error={shareError} />
              <Button type="submit" mt={24} variant="light" loading={share.isPending}>Share</Button>
            </Group>
          )}
        </Stack>
      </Card>
      <Card withBorder>
        <Stack gap="xs">
          <Title order={2} size="h4">Cluster</Title>
          <Text size="sm">Runs in <b>{app.cluster}</b>{app.movingTo ? `; moving to ${app.movingTo} (it serves from ${app.cluster} until Ready there)` : ''}.</Text>
          {app.moveError && <Text size="sm" c="red">The last move failed: {app.moveError}</Text>}
          {write && others.length > 0 && !app.movingTo && (
            <Group align="flex-end">
              <Select label="Move to" data={others} value={target} onChange={setTarget} w={200} />
              <Button variant="light" disabled={!target} loading={move.isPending} onClick={() => target && move.mutate(target)}>Move</Button>
            </Group>
          )}
        </Stack>
      </Card>
    </>
  );
}
