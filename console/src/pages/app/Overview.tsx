import { lazy, Suspense, useEffect, useState, type FormEvent } from 'react';
import { Anchor, Button, Card, Code, Group, List, Loader, NumberInput, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { ApiError, gql } from '../../api';
import { RestartAppDocument, StartAppDocument, StopAppDocument, UpdateAppDocument, type AppDetailFragment } from '../../gql/graphql';
import { useCan } from '../../session';
import { ago } from '../../components/time';
import { useAppMutation } from './mutate';
import { Autoscale } from './Autoscale';

// uPlot and the charts load only when an app's overview is shown: the first load never pays for them.
const Metrics = lazy(() => import('./Metrics'));

/** Live status, where it is reached, start / stop / restart, and scale. */
export function Overview({ app }: { app: AppDetailFragment }) {
  const { write } = useCan(app.team);
  const ref = { team: app.team, name: app.name };
  const start = useAppMutation(ref, () => gql(StartAppDocument, ref).then((r) => r.startApp), 'Starting');
  const stop = useAppMutation(ref, () => gql(StopAppDocument, ref).then((r) => r.stopApp), 'Stopping');
  const restart = useAppMutation(ref, () => gql(RestartAppDocument, ref).then((r) => r.restartApp), 'Restarting');
  const scale = useAppMutation(ref, (replicas: number) => gql(UpdateAppDocument, { input: { ...ref, replicas } }).then((r) => r.updateApp), 'Scaled');
  const [replicas, setReplicas] = useState<number | string>(app.replicas);
  useEffect(() => setReplicas(app.replicas), [app.replicas]);
  const submit = (e: FormEvent) => { e.preventDefault(); scale.mutate(Number(replicas)); };
  const scaleError = scale.error instanceof ApiError ? scale.error.field('replicas') ?? scale.error.message : undefined;
  return (
    <Stack>
      <SimpleGrid cols={{ base: 1, md: 2 }}>
      <Card withBorder>
        <Stack gap="xs">
          <Title order={2} size="h4">Status</Title>
          <Text data-testid="status-message">{app.running ? `${app.status.health}: ${app.status.message || app.status.reason}` : 'Stopped: it keeps its config and runs no replicas.'}</Text>
          <Text size="sm" data-testid="ready">{app.status.readyReplicas}/{app.running ? app.status.desiredReplicas : 0} replicas ready</Text>
          <Text size="sm" c="dimmed">Observed {ago(app.status.updatedAt)}</Text>
          {write && (
            <Group mt="sm">
              {app.running
                ? <><Button variant="light" onClick={() => restart.mutate(undefined)} loading={restart.isPending}>Restart</Button>
                  <Button variant="default" onClick={() => stop.mutate(undefined)} loading={stop.isPending}>Stop</Button></>
                : <Button onClick={() => start.mutate(undefined)} loading={start.isPending}>Start</Button>}
            </Group>
          )}
        </Stack>
      </Card>
      <Card withBorder>
        <Stack gap="xs">
          <Title order={2} size="h4">Reached at</Title>
          {app.url ? <Anchor href={app.url} target="_blank" rel="noreferrer">{app.url}</Anchor> : <Text size="sm">Only its dependents reach it (no public domain).</Text>}
          {app.domains.length > 0 && <List size="sm">{app.domains.map((d) => <List.Item key={d}>{d}</List.Item>)}</List>}
          <Text size="sm">Endpoints</Text>
          {app.status.endpoints.length ? <List size="sm">{app.status.endpoints.map((e) => <List.Item key={e}><Code>{e}</Code></List.Item>)}</List> : <Text size="sm" c="dimmed">none ready</Text>}
          <Text size="sm">Runs {app.image ? <Code>{app.image}</Code> : 'nothing yet (no successful build)'}{app.currentRelease ? ` as release v${app.currentRelease}` : ''}</Text>
          {app.image && app.imageServedBy && <Text size="sm" c="dimmed" data-testid="served-by">{app.image}: served locally by {app.imageServedBy}</Text>}
        </Stack>
      </Card>
      {write && !app.autoscaling && (
        <Card withBorder component="form" onSubmit={submit} aria-label="Scale">
          <Stack gap="xs">
            <Title order={2} size="h4">Scale</Title>
            <Group align="flex-start">
              <NumberInput label="Replicas" min={0} max={100} value={replicas} onChange={setReplicas} error={scaleError} w={140} />
              <Button type="submit" mt={24} loading={scale.isPending} disabled={Number(replicas) === app.replicas}>Save</Button>
            </Group>
          </Stack>
        </Card>
      )}
      <Autoscale app={app} write={write} />
      </SimpleGrid>
      <Suspense fallback={<Loader size="sm" aria-label="Loading metrics" />}><Metrics team={app.team} app={app.name} /></Suspense>
    </Stack>
  );
}
