import { useEffect, useRef, useState } from 'react';
import { Badge, Button, Code, Group, ScrollArea, Select, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { gql } from '../../api';
import { AppLogsDocument, type AppDetailFragment } from '../../gql/graphql';
import { Problem } from '../../components/Problem';

/**
 * Appends a replica's latest tail to what was shown, without repeating the lines both hold: the
 * longest end of `shown` that starts `tail` is the overlap. Pure.
 */
export function mergeTail(shown: string[], tail: string[]): string[] {
  const max = Math.min(shown.length, tail.length);
  for (let k = max; k > 0; k--) {
    let same = true;
    for (let i = 0; i < k && same; i++) same = shown[shown.length - k + i] === tail[i];
    if (same) return k === tail.length ? shown : [...shown, ...tail.slice(k)];
  }
  return [...shown, ...tail];
}

const KEEP = 5000;

/**
 * Each replica's log, following: the API's appLogs is read again every two seconds and only new
 * lines are added. Pause freezes the view while lines keep arriving underneath; resume shows them,
 * none lost.
 */
export function Logs({ app }: { app: AppDetailFragment }) {
  const [paused, setPaused] = useState(false);
  const [replica, setReplica] = useState<string | null>(null);
  const [lines, setLines] = useState<Map<string, string[]>>(new Map());
  const [frozen, setFrozen] = useState<Map<string, string[]>>();
  const logs = useQuery({
    queryKey: ['logs', app.team, app.name],
    queryFn: ({ signal }) => gql(AppLogsDocument, { team: app.team, app: app.name, tail: 200 }, signal),
    refetchInterval: 2000, refetchIntervalInBackground: false, staleTime: 0,
  });
  useEffect(() => {
    if (!logs.data) return;
    const byPod = new Map<string, string[]>();
    for (const l of logs.data.appLogs) byPod.set(l.pod, [...(byPod.get(l.pod) ?? []), l.line]);
    setLines((cur) => {
      const next = new Map(cur);
      for (const [pod, tail] of byPod) next.set(pod, mergeTail(cur.get(pod) ?? [], tail).slice(-KEEP));
      return next;
    });
  }, [logs.data]);
  const shown = paused && frozen ? frozen : lines;
  const pods = [...lines.keys()].sort();
  const text = [...shown.entries()].filter(([pod]) => !replica || pod === replica)
    .flatMap(([pod, ls]) => ls.map((l) => (replica ? l : `${pod.slice(-5)} | ${l}`))).join('\n');
  const waiting = paused ? [...lines.entries()].reduce((n, [pod, ls]) => n + ls.length - (frozen?.get(pod)?.length ?? 0), 0) : 0;
  const viewport = useRef<HTMLDivElement>(null);
  useEffect(() => { if (!paused) viewport.current?.scrollTo({ top: viewport.current.scrollHeight }); }, [text, paused]);
  return (
    <Stack>
      <Group>
        <Select aria-label="Replica" placeholder="All replicas" data={pods} value={replica} onChange={setReplica} clearable w={260} />
        <Button variant="light" onClick={() => { setFrozen(paused ? undefined : lines); setPaused(!paused); }}>{paused ? 'Resume' : 'Pause'}</Button>
        {paused ? <Badge color="yellow">paused{waiting > 0 ? `, ${waiting} new lines` : ''}</Badge> : <Badge color="green" variant="dot">following</Badge>}
      </Group>
      <Problem error={logs.error} />
      {!app.running && <Text c="dimmed">The app is stopped: no replica is running.</Text>}
      <ScrollArea h={480} viewportRef={viewport}>
        <Code block data-testid="app-log" tabIndex={0}>{text || 'no lines yet'}</Code>
      </ScrollArea>
    </Stack>
  );
}
