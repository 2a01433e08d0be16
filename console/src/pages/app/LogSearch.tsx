import { useState, type FormEvent } from 'react';
import { Button, Code, Group, ScrollArea, Select, Stack, Text, TextInput } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { gql } from '../../api';
import { AppLogSearchDocument, type AppDetailFragment } from '../../gql/graphql';
import { Problem } from '../../components/Problem';

const SINCE = [['15m', 'last 15 minutes'], ['1h', 'last hour'], ['6h', 'last 6 hours'], ['24h', 'last day'], ['7d', 'last 7 days']] as const;

/**
 * The lines kept of every replica, those since deleted or restarted included (App.logSearch): by
 * time and text, the newest 2,000, oldest first.
 */
export function LogSearch({ app }: { app: AppDetailFragment }) {
  const [since, setSince] = useState<string>('1h');
  const [text, setText] = useState('');
  const [asked, setAsked] = useState<{ since: string; grep?: string }>();
  const q = useQuery({
    queryKey: ['log-search', app.team, app.name, asked],
    queryFn: ({ signal }) => gql(AppLogSearchDocument, { team: app.team, name: app.name, since: asked!.since, grep: asked!.grep }, signal),
    enabled: asked !== undefined,
  });
  const submit = (e: FormEvent) => { e.preventDefault(); setAsked({ since, ...(text ? { grep: text } : {}) }); };
  const found = q.data?.app?.logSearch;
  return (
    <Stack>
      <Group component="form" onSubmit={submit} align="flex-end" aria-label="Search kept lines">
        <Select label="From" data={SINCE.map(([value, label]) => ({ value, label }))} value={since} onChange={(v) => setSince(v ?? '1h')} allowDeselect={false} w={180} />
        <TextInput label="Containing" placeholder="text, as grep -F" value={text} onChange={(e) => setText(e.currentTarget.value)} w={280} />
        <Button type="submit" loading={q.isFetching}>Search</Button>
      </Group>
      <Problem error={q.error} />
      {found && (
        <>
          <Text size="sm" c="dimmed" data-testid="log-search-count">{found.lines.length} line{found.lines.length === 1 ? '' : 's'}{found.truncated ? ' (the newest; narrow the search for older ones)' : ''}</Text>
          <ScrollArea h={420}>
            <Code block data-testid="log-search" tabIndex={0}>{found.lines.map((l) => `${String(l.at).slice(11, 23)} ${l.pod.slice(-5)} | ${l.line}`).join('\n') || 'no lines'}</Code>
          </ScrollArea>
        </>
      )}
    </Stack>
  );
}
