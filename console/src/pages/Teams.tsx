import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { Anchor, Button, Group, Select, Stack, Table, Text, TextInput, Title, VisuallyHidden } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, gql } from '../api';
import { CreateTeamDocument, DeleteTeamDocument, TeamsDocument, UpdateTeamDocument, type PodSecurity } from '../gql/graphql';
import { Problem } from '../components/Problem';
import { ago } from '../components/time';
import { useCan } from '../session';
import { Confirm } from '../components/Confirm';

/** Every team (the admin's view): create and delete. */
export function Teams() {
  const { admin } = useCan(undefined);
  const client = useQueryClient();
  const teams = useQuery({ queryKey: ['teams'], queryFn: ({ signal }) => gql(TeamsDocument, {}, signal) });
  const [name, setName] = useState('');
  const create = useMutation({
    mutationFn: (n: string) => gql(CreateTeamDocument, { name: n }),
    onSuccess: () => { setName(''); void client.invalidateQueries({ queryKey: ['teams'] }); },
  });
  const remove = useMutation({
    mutationFn: (n: string) => gql(DeleteTeamDocument, { name: n }),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['teams'] }),
  });
  const update = useMutation({
    mutationFn: (v: { name: string; podSecurity: PodSecurity }) => gql(UpdateTeamDocument, { input: v }),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['teams'] }),
  });
  const submit = (e: FormEvent) => { e.preventDefault(); create.mutate(name.trim()); };
  const fieldError = create.error instanceof ApiError ? create.error.field('name') ?? create.error.message : undefined;
  return (
    <Stack>
      <Title order={1} size="h2">Teams</Title>
      {admin && (
        <form onSubmit={submit} aria-label="Create a team">
          <Group align="flex-start">
            <TextInput label="Team name" value={name} onChange={(e) => setName(e.currentTarget.value)} error={fieldError} required description="Lower-case letters, digits and -" />
            <Button type="submit" mt={24} loading={create.isPending}>Create team</Button>
          </Group>
        </form>
      )}
      <Problem error={teams.error} />
      <Problem error={remove.error ?? update.error} />
      <Table highlightOnHover>
        <Table.Thead><Table.Tr><Table.Th>Team</Table.Th><Table.Th>Clusters</Table.Th><Table.Th>Pod security</Table.Th><Table.Th>Created</Table.Th>{admin && <Table.Th><VisuallyHidden>Actions</VisuallyHidden></Table.Th>}</Table.Tr></Table.Thead>
        <Table.Tbody>
          {teams.data?.teams.map((t) => (
            <Table.Tr key={t.name}>
              <Table.Td><Anchor component={Link} to={`/teams/${t.name}`}>{t.name}</Anchor></Table.Td>
              <Table.Td>{t.clusters.join(', ')}</Table.Td>
              <Table.Td>{admin
                ? <Select aria-label={`Pod security of ${t.name}`} size="xs" w={130} data={['baseline', 'restricted']} value={t.podSecurity} allowDeselect={false}
                  onChange={(v) => v && v !== t.podSecurity && update.mutate({ name: t.name, podSecurity: v as PodSecurity })} />
                : t.podSecurity}</Table.Td>
              <Table.Td><Text size="sm">{ago(t.createdAt)}</Text></Table.Td>
              {admin && <Table.Td><Confirm label={`Delete team ${t.name}`} confirmWord={t.name} onConfirm={() => remove.mutate(t.name)}>Delete</Confirm></Table.Td>}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {teams.data?.teams.length === 0 && <Text c="dimmed">No teams yet.</Text>}
    </Stack>
  );
}
