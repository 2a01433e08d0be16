import { useEffect, useRef, useState } from 'react';
import { Badge, Button, Code, Group, ScrollArea, SegmentedControl, Select, Stack, Text } from '@mantine/core';
import { AppLogLinesDocument, type AppDetailFragment } from '../../gql/graphql';
import { useSubscription } from '../../live';
import { Problem } from '../../components/Problem';
import { LogSearch } from './LogSearch';

/** Lines kept per replica: the view is a window on the stream, not its archive. */
const KEEP = 5000;

/**
 * Each replica's log, following: one subscription (appLogLines) streams the last lines of every
 * replica and then each line as it is printed, replicas that start later included. Pause freezes
 * the view while lines keep arriving underneath; resume shows them, none lost.
 */
export function Logs({ app }: { app: AppDetailFragment }) {
  const [mode, setMode] = useState<'live' | 'search'>('live');
  return (
    <Stack>
      <SegmentedControl aria-label="Logs" w={260} value={mode} onChange={(v) => setMode(v as 'live' | 'search')} data={[{ value: 'live', label: 'Live' }, { value: 'search', label: 'Search kept lines' }]} />
      {mode === 'live' ? <LiveLogs app={app} /> : <LogSearch app={app} />}
    </Stack>
  );
}

function LiveLogs({ app }: { app: AppDetailFragment }) {
  const [paused, setPaused] = useState(false);
  const [replica, setReplica] = useState<string | null>(null);
  const [lines, setLines] = useState<Map<string, string[]>>(new Map());
  const [frozen, setFrozen] = useState<Map<string, string[]>>();
  const live = useSubscription(AppLogLinesDocument, { team: app.team, app: app.name, tail: 200 }, `${app.team}/${app.name}`, (d) => {
    const { pod, line } = d.appLogLines;
    setLines((cur) => {
      const next = new Map(cur);
      next.set(pod, [...(cur.get(pod) ?? []), line].slice(-KEEP));
      return next;
    });
  });
  // A reconnected stream starts again with each replica's tail: start the view again with it.
  const state = useRef(live.state);
  useEffect(() => {
    if (state.current === 'reconnecting' && live.state === 'live') setLines(new Map());
    state.current = live.state;
  }, [live.state]);
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
        {paused ? <Badge color="yellow">paused{waiting > 0 ? `, ${waiting} new lines` : ''}</Badge> : <Badge color="green" variant="dot">{live.state === 'live' ? 'following' : live.state}</Badge>}
      </Group>
      <Problem error={live.error} />
      {!app.running && <Text c="dimmed">The app is stopped: no replica is running.</Text>}
      <ScrollArea h={480} viewportRef={viewport}>
        <Code block data-testid="app-log" tabIndex={0}>{text || 'no lines yet'}</Code>
      </ScrollArea>
    </Stack>
  );
}
