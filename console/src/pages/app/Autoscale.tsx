import { useState, type FormEvent } from 'react';
import { Badge, Button, Card, Group, NumberInput, Stack, Text, Title } from '@mantine/core';
import { ApiError, gql } from '../../api';
import { SetAutoscalingDocument, type AppDetailFragment } from '../../gql/graphql';
import { useAppMutation } from './mutate';

type Rule = NonNullable<AppDetailFragment['autoscaling']>;

/** What the autoscaler says, in words: working (replicas now and wanted) or why it cannot scale. */
function Said({ rule }: { rule: Rule }) {
  const s = rule.status;
  if (!s) return <Text size="sm" c="dimmed">Waiting for the autoscaler's first reading of the metrics.</Text>;
  return (
    <Stack gap={4}>
      <Group gap="xs">
        <Badge color={s.working ? 'green' : 'red'} variant="dot">{s.working ? 'Working' : 'Not scaling'}</Badge>
        <Text size="sm" data-testid="autoscaler-replicas">{s.currentReplicas} now, {s.desiredReplicas} wanted</Text>
      </Group>
      {s.message && <Text size="sm" c={s.working ? 'dimmed' : 'red.9'}>{s.message}</Text>}
    </Stack>
  );
}

/** "CPU 50% and 20 req/s per replica": a rule's targets in words. */
export function targetsOf(rule: Pick<Rule, 'cpuPercent' | 'memoryPercent' | 'requestsPerReplica' | 'p95Ms'> & { scaleToZeroAfterMinutes?: number | null }): string {
  return [
    rule.cpuPercent != null && `CPU ${rule.cpuPercent}%`, rule.memoryPercent != null && `memory ${rule.memoryPercent}%`,
    rule.requestsPerReplica != null && `${rule.requestsPerReplica} req/s per replica`, rule.p95Ms != null && `p95 ${rule.p95Ms} ms`,
  ].filter(Boolean).join(' and ') + (rule.scaleToZeroAfterMinutes != null ? `, asleep after ${rule.scaleToZeroAfterMinutes} min idle (beta)` : '');
}

type Input = { min: number; max: number; cpuPercent: number | null; memoryPercent: number | null; requestsPerReplica: number | null; p95Ms: number | null; scaleToZeroAfterMinutes: number | null };

/**
 * The app's autoscaling rule: replicas between min and max on CPU, memory, request-rate and
 * latency targets (a
 * HorizontalPodAutoscaler does the work). Off, a form turns it on; on, it shows the rule and what
 * the autoscaler says, and turns it off (the app keeps the replicas it has).
 */
export function Autoscale({ app, write }: { app: AppDetailFragment; write: boolean }) {
  const ref = { team: app.team, name: app.name };
  const rule = app.autoscaling;
  const [min, setMin] = useState<number | string>(rule?.min ?? Math.max(app.replicas, 1));
  const [max, setMax] = useState<number | string>(rule?.max ?? Math.max(app.replicas, 1) * 3);
  const [cpu, setCpu] = useState<number | string>(rule?.cpuPercent ?? 70);
  const [memory, setMemory] = useState<number | string>(rule?.memoryPercent ?? '');
  const [requests, setRequests] = useState<number | string>(rule?.requestsPerReplica ?? '');
  const [p95, setP95] = useState<number | string>(rule?.p95Ms ?? '');
  const [sleepAfter, setSleepAfter] = useState<number | string>(rule?.scaleToZeroAfterMinutes ?? '');
  const set = useAppMutation(ref, (input: Input | null) =>
    gql(SetAutoscalingDocument, { ...ref, input }).then((r) => r.setAutoscaling), rule ? 'Autoscaling off' : 'Autoscaling on');
  const err = set.error instanceof ApiError ? set.error : undefined;
  const num = (v: number | string) => (v === '' ? null : Number(v));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    set.mutate({ min: Number(min), max: Number(max), cpuPercent: num(cpu), memoryPercent: num(memory), requestsPerReplica: num(requests), p95Ms: num(p95), scaleToZeroAfterMinutes: num(sleepAfter) });
  };
  return (
    <Card withBorder component="form" onSubmit={submit} aria-label="Autoscaling">
      <Stack gap="xs">
        <Title order={2} size="h4">Autoscaling</Title>
        {rule ? (
          <>
            <Text size="sm" data-testid="autoscaling-rule">
              {rule.min}–{rule.max} replicas on {targetsOf(rule)}
            </Text>
            <Said rule={rule} />
            {write && <Group><Button variant="default" onClick={() => set.mutate(null)} loading={set.isPending}>Turn off</Button></Group>}
          </>
        ) : write ? (
          <>
            <Text size="sm" c="dimmed">Keep the replicas between a minimum and a maximum, aiming at a share of what each replica requests, a request rate per replica or a response time. Leave a target empty to not use it.</Text>
            <Group align="flex-start">
              <NumberInput label="Min" min={1} max={100} value={min} onChange={setMin} error={err?.field('min')} w={90} />
              <NumberInput label="Max" min={1} max={100} value={max} onChange={setMax} error={err?.field('max')} w={90} />
              <NumberInput label="CPU %" min={1} max={1000} value={cpu} onChange={setCpu} error={err?.field('cpuPercent') ?? (err && !err.field('min') && !err.field('max') ? err.message : undefined)} w={110} />
              <NumberInput label="Memory %" min={1} max={1000} value={memory} onChange={setMemory} error={err?.field('memoryPercent')} w={110} />
              <NumberInput label="Requests/s per replica" min={0.001} max={100000} decimalScale={3} value={requests} onChange={setRequests} error={err?.field('requestsPerReplica')} w={170} />
              <NumberInput label="p95 (ms)" min={1} max={600000} value={p95} onChange={setP95} error={err?.field('p95Ms')} w={110} />
              <NumberInput label="Sleep after idle (min, beta)" description="no replicas until the next request" min={1} max={1440} value={sleepAfter} onChange={setSleepAfter} error={err?.field('scaleToZeroAfterMinutes')} w={200} />
            </Group>
            <Group><Button type="submit" loading={set.isPending}>Turn on</Button></Group>
          </>
        ) : <Text size="sm">Scaled by hand: {app.replicas} replica(s).</Text>}
      </Stack>
    </Card>
  );
}
