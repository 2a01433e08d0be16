import { useState, type FormEvent } from 'react';
import { Button, Center, Paper, PasswordInput, Stack, Text, Title } from '@mantine/core';
import { useSession } from '../session';

/** The one way in: an API token (the admin token, or a team token), traded for a session. */
export function SignIn() {
  const { signIn } = useSession();
  const [token, setToken] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try { await signIn(token); } catch (err) { setError((err as Error).message); } finally { setBusy(false); }
  };
  return (
    <Center mih="100vh" p="md">
      <Paper withBorder shadow="sm" p="xl" w={420} maw="100%" component="main">
        <form onSubmit={(e) => void submit(e)}>
          <Stack>
            <Title order={1} size="h2">Sign in to Yunbang</Title>
            <Text size="sm" c="dimmed">
              Use an API token: the admin token printed by <code>npm start</code>, or a team token. It is exchanged for a
              session; the console does not keep it.
            </Text>
            <PasswordInput label="API token" value={token} onChange={(e) => setToken(e.currentTarget.value)} error={error} required autoFocus autoComplete="off" />
            <Button type="submit" loading={busy}>Sign in</Button>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
