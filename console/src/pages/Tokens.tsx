import { useState, type FormEvent } from 'react';
import { Badge, Button, Code, CopyButton, Group, Modal, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, gql } from '../api';
import { CreateTokenDocument, RevokeTokenDocument, TokensDocument } from '../gql/graphql';
import { Problem } from '../components/Problem';
import { Confirm } from '../components/Confirm';
import { ago } from '../components/time';
import { useCan } from '../session';
import { useTeam } from '../team';

/** The team's API tokens: owners (and the admin) create them, the secret shown once, and revoke them. */
export default function Tokens() {
  const team = useTeam();
  const { manage } = useCan(team);
  const client = useQueryClient();
  const key = ['tokens', team];
  const tokens = useQuery({ queryKey: key, queryFn: ({ signal }) => gql(TokensDocument, { team }, signal), enabled: manage });
  const [name, setName] = useState('');
  const [role, setRole] = useState<string>('developer');
  const [secret, setSecret] = useState<string>();
  const create = useMutation({
    mutationFn: () => gql(CreateTokenDocument, { input: { team, name: name.trim(), role } }),
    onSuccess: (r) => { setSecret(r.createApiToken.secret); setName(''); void client.invalidateQueries({ queryKey: key }); },
  });
  const revoke = useMutation({ mutationFn: (id: string) => gql(RevokeTokenDocument, { id }), onSuccess: () => void client.invalidateQueries({ queryKey: key }) });
  if (!manage) return <Stack><Title order={1} size="h2">Tokens</Title><Text c="dimmed">Only the team's owners manage its tokens.</Text></Stack>;
  const err = create.error instanceof ApiError ? create.error : undefined;
  const submit = (e: FormEvent) => { e.preventDefault(); create.mutate(); };
  return (
    <Stack>
      <Title order={1} size="h2">Tokens</Title>
      <form onSubmit={submit} aria-label="Create a token">
        <Group align="flex-start">
          <TextInput label="Token name" value={name} onChange={(e) => setName(e.currentTarget.value)} required error={err?.field('name') ?? (err && !err.field('role') ? err.message : undefined)} />
          <Select label="Role" data={['viewer', 'developer', 'owner']} value={role} onChange={(v) => v && setRole(v)} allowDeselect={false} error={err?.field('role')} w={160} />
          <Button type="submit" mt={24} loading={create.isPending}>Create token</Button>
        </Group>
      </form>
      <Problem error={tokens.error ?? revoke.error} />
      <Table.ScrollContainer minWidth={640}>
        <Table aria-label="Tokens">
          <Table.Thead><Table.Tr><Table.Th>Name</Table.Th><Table.Th>Role</Table.Th><Table.Th>Created</Table.Th><Table.Th>Last used</Table.Th><Table.Th /></Table.Tr></Table.Thead>
          <Table.Tbody>
            {tokens.data?.apiTokens.map((t) => (
              <Table.Tr key={t.id} data-token={t.name}>
                <Table.Td>{t.name}</Table.Td>
                <Table.Td>{t.role}</Table.Td>
                <Table.Td><Text size="sm">{ago(t.createdAt)} by {t.createdBy}</Text></Table.Td>
                <Table.Td><Text size="sm">{t.lastUsedAt ? ago(t.lastUsedAt) : 'never'}</Text></Table.Td>
                <Table.Td>{t.revokedAt ? <Badge color="gray">revoked</Badge> : <Confirm label={`Revoke token ${t.name}`} onConfirm={() => revoke.mutate(t.id)}>Revoke</Confirm>}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <Modal opened={Boolean(secret)} onClose={() => setSecret(undefined)} title="Your new token">
        <Stack>
          <Text size="sm">Copy it now: it is not shown again.</Text>
          <Code block data-testid="secret">{secret}</Code>
          <CopyButton value={secret ?? ''}>{({ copied, copy }) => <Button onClick={copy}>{copied ? 'Copied' : 'Copy token'}</Button>}</CopyButton>
        </Stack>
      </Modal>
    </Stack>
  );
}
