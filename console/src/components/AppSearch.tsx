import { useRef, useState } from 'react';
import { useNavigate } from 'react-router';
import { Autocomplete, Kbd } from '@mantine/core';
import { useHotkeys } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { gql } from '../api';
import { AppNamesDocument } from '../gql/graphql';

/** Jumps to any app of the team by name; "/" focuses it from anywhere outside a field. */
export function AppSearch({ team }: { team: string }) {
  const ref = useRef<HTMLInputElement>(null);
  const [value, setValue] = useState('');
  const navigate = useNavigate();
  const names = useQuery({ queryKey: ['appNames', team], queryFn: ({ signal }) => gql(AppNamesDocument, { team }, signal), staleTime: 30_000 });
  useHotkeys([['/', () => ref.current?.focus()]]);
  const go = async (name: string) => {
    // An app created since the list was read: read it again before saying no.
    const known = (list: { name: string }[] | undefined) => list?.some((a) => a.name === name);
    if (!known(names.data?.apps) && !known((await names.refetch()).data?.apps)) return;
    setValue('');
    ref.current?.blur();
    void navigate(`/teams/${team}/apps/${name}`);
  };
  return (
    <Autocomplete
      ref={ref} aria-label="Jump to app" placeholder="Jump to app" value={value} onChange={setValue}
      data={names.data?.apps.map((a) => a.name) ?? []} limit={12} w={{ base: 160, sm: 280 }}
      rightSection={<Kbd size="xs">/</Kbd>} onOptionSubmit={(v) => void go(v)} onFocus={() => void names.refetch()}
      onKeyDown={(e) => { if (e.key === 'Enter') void go(value.trim()); }}
    />
  );
}
