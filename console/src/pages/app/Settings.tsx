import { useMemo, useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import {
  ActionIcon, Button, Card, Code, CopyButton, Group, Modal, NumberInput, PasswordInput, Select, Stack, Switch, Text, TextInput, Textarea, Title,
} from '@mantine/core';
import { ApiError, gql } from '../../api';
import { DeleteAppDocument, RotateWebhookSecretDocument, UpdateAppDocument, type AppDetailFragment, type UpdateAppInput } from '../../gql/graphql';
import { useCan } from '../../session';
import { Confirm } from '../../components/Confirm';
import { useAppMutation } from './mutate';
import { Placement } from './Placement';

interface Form {
  env: { name: string; value: string }[];
  image: string; port: number | string; healthCheckPath: string; tls: boolean; domains: string; capabilities: string;
  cpuRequest: string; memoryRequest: string; cpuLimit: string; memoryLimit: string;
  gitUrl: string; gitBranch: string; gitSubdir: string; buildMode: string; dockerfilePath: string;
}

function formOf(a: AppDetailFragment): Form {
  return {
    env: a.env.map((e) => ({ name: e.name, value: e.value })),
    image: a.image ?? '', port: a.port, healthCheckPath: a.healthCheckPath ?? '', tls: a.tls, domains: a.domains.join('\n'), capabilities: a.capabilities.join(', '),
    cpuRequest: a.resources.requests?.cpu ?? '', memoryRequest: a.resources.requests?.memory ?? '',
    cpuLimit: a.resources.limits?.cpu ?? '', memoryLimit: a.resources.limits?.memory ?? '',
    gitUrl: a.git?.url ?? '', gitBranch: a.git?.branch ?? '', gitSubdir: a.git?.subdir ?? '', buildMode: a.buildMode ?? 'AUTO',
    dockerfilePath: a.dockerfilePath ?? '',
  };
}

const list = (r: { cpu?: string; memory?: string }) => {
  const out = Object.fromEntries(Object.entries(r).filter(([, v]) => v));
  return Object.keys(out).length ? out : undefined;
};

/**
 * The update to send: only what the user changed, compared with what was loaded, so a save never
 * overwrites a field someone else changed meanwhile with a stale value. Pure.
 */
export function changes(a: AppDetailFragment, f: Form): Partial<UpdateAppInput> {
  const base = formOf(a);
  const u: Partial<UpdateAppInput> = {};
  if (JSON.stringify(f.env) !== JSON.stringify(base.env)) u.env = f.env.filter((e) => e.name.trim() !== '' || e.value !== '').map((e) => ({ name: e.name.trim(), value: e.value }));
  if (!a.git && f.image !== base.image) u.image = f.image.trim();
  if (String(f.port) !== String(base.port)) u.port = Number(f.port);
  if (f.healthCheckPath !== base.healthCheckPath) u.healthCheckPath = f.healthCheckPath.trim() || null;
  if (f.tls !== base.tls) u.tls = f.tls;
  if (f.domains !== base.domains) u.domains = f.domains.split(/[\s,]+/).filter(Boolean);
  if (f.capabilities !== base.capabilities) u.capabilities = f.capabilities.split(/[\s,]+/).filter(Boolean).map((c) => c.toUpperCase());
  if (f.cpuRequest !== base.cpuRequest || f.memoryRequest !== base.memoryRequest || f.cpuLimit !== base.cpuLimit || f.memoryLimit !== base.memoryLimit) {
    u.resources = { requests: list({ cpu: f.cpuRequest, memory: f.memoryRequest }), limits: list({ cpu: f.cpuLimit, memory: f.memoryLimit }) };
  }
  if (a.git && (f.gitUrl !== base.gitUrl || f.gitBranch !== base.gitBranch || f.gitSubdir !== base.gitSubdir)) {
    u.git = { url: f.gitUrl.trim(), branch: f.gitBranch.trim() || undefined, subdir: f.gitSubdir.trim() || undefined };
  }
  if (a.git && f.buildMode !== base.buildMode) u.buildMode = f.buildMode as UpdateAppInput['buildMode'];
  if (a.git && f.dockerfilePath !== base.dockerfilePath) u.dockerfilePath = f.dockerfilePath.trim() || null;
  return u;
}

/** Env names whose values are secrets by convention: shown masked, revealed on demand. */
const SECRET_NAME = /(PASS(WORD)?|SECRET|TOKEN|KEY|CREDENTIALS?|PRIVATE)/i;

export function Settings({ app }: { app: AppDetailFragment }) {
  const { write } = useCan(app.team);
  const navigate = useNavigate();
  const ref = { team: app.team, name: app.name };
  const loaded = useMemo(() => formOf(app), [app]);
  const [form, setForm] = useState<Form>(loaded);
  const [base, setBase] = useState(app);
  // The app changed underneath (saved here or elsewhere): take the new values for untouched fields.
  if (base !== app) {
    const untouched = Object.keys(changes(base, form)).length === 0;
    setBase(app);
    if (untouched) setForm(loaded);
  }
  const pending = changes(base, form);
  const save = useAppMutation(ref, (u: Partial<UpdateAppInput>) => gql(UpdateAppDocument, { input: { ...ref, ...u } }).then((r) => r.updateApp), 'Saved');
  const err = save.error instanceof ApiError ? save.error : undefined;
  const fieldError = (name: string) => err?.field(name);
  const set = <K extends keyof Form>(k: K, v: Form[K]) => setForm((f) => ({ ...f, [k]: v }));
  const submit = (e: FormEvent) => { e.preventDefault(); if (Object.keys(pending).length) save.mutate(pending); };
  const unassigned = err && !err.fields.some((f) => /^(env|image|port|healthCheckPath|tls|domains|resources|git|buildMode|dockerfilePath|capabilities)/.test(f.field));
  return (
    <Stack>
      <Card withBorder component="form" onSubmit={submit} aria-label="App settings">
        <Stack>
          <Title order={2} size="h4">Environment</Title>
          {form.env.length === 0 && <Text size="sm" c="dimmed">No variables.</Text>}
          {form.env.map((e, i) => (
            <Group key={i} align="flex-start" wrap="nowrap">
              <TextInput aria-label={`Name of variable ${i + 1}`} placeholder="NAME" value={e.name} disabled={!write} error={fieldError(`env[${i}].name`)}
                onChange={(ev) => { const v = ev.currentTarget.value; set('env', form.env.map((x, j) => (j === i ? { ...x, name: v } : x))); }} w="35%" />
              {SECRET_NAME.test(e.name)
                ? <PasswordInput aria-label={`Value of ${e.name || `variable ${i + 1}`}`} value={e.value} disabled={!write} style={{ flex: 1 }} error={fieldError(`env[${i}].value`)}
                  onChange={(ev) => { const v = ev.currentTarget.value; set('env', form.env.map((x, j) => (j === i ? { ...x, value: v } : x))); }} />
                : <TextInput aria-label={`Value of ${e.name || `variable ${i + 1}`}`} value={e.value} disabled={!write} style={{ flex: 1 }} error={fieldError(`env[${i}].value`)}
                  onChange={(ev) => { const v = ev.currentTarget.value; set('env', form.env.map((x, j) => (j === i ? { ...x, value: v } : x))); }} />}
              {write && <ActionIcon variant="subtle" color="red" size="lg" aria-label={`Remove ${e.name || `variable ${i + 1}`}`} onClick={() => set('env', form.env.filter((_, j) => j !== i))}>✕</ActionIcon>}
            </Group>
          ))}
          {fieldError('env') && <Text c="red" size="sm">{fieldError('env')}</Text>}
          {write && <Group><Button variant="default" size="compact-sm" onClick={() => set('env', [...form.env, { name: '', value: '' }])}>Add variable</Button></Group>}

          <Title order={2} size="h4" mt="md">Runtime</Title>
          {!app.git && <TextInput label="Image" value={form.image} onChange={(e) => set('image', e.currentTarget.value)} disabled={!write} error={fieldError('image')} />}
          <Group grow align="flex-start">
            <NumberInput label="Port" min={1} max={65535} value={form.port} onChange={(v) => set('port', v)} disabled={!write} error={fieldError('port')} />
            <TextInput label="Health check path" placeholder="/healthz (empty: TCP)" value={form.healthCheckPath} onChange={(e) => set('healthCheckPath', e.currentTarget.value)} disabled={!write} error={fieldError('healthCheckPath')} />
          </Group>
          <Group grow align="flex-start">
            <TextInput label="CPU request" placeholder="100m" value={form.cpuRequest} onChange={(e) => set('cpuRequest', e.currentTarget.value)} disabled={!write} error={fieldError('resources.requests.cpu')} />
            <TextInput label="Memory request" placeholder="128Mi" value={form.memoryRequest} onChange={(e) => set('memoryRequest', e.currentTarget.value)} disabled={!write} error={fieldError('resources.requests.memory')} />
            <TextInput label="CPU limit" placeholder="500m" value={form.cpuLimit} onChange={(e) => set('cpuLimit', e.currentTarget.value)} disabled={!write} error={fieldError('resources.limits.cpu')} />
            <TextInput label="Memory limit" placeholder="512Mi" value={form.memoryLimit} onChange={(e) => set('memoryLimit', e.currentTarget.value)} disabled={!write} error={fieldError('resources.limits.memory')} />
          </Group>
          {fieldError('resources') && <Text c="red" size="sm">{fieldError('resources')}</Text>}
          <TextInput label="Linux capabilities" description="The ones the image needs (e.g. CHOWN, SETUID); every other one is dropped" value={form.capabilities}
            onChange={(e) => set('capabilities', e.currentTarget.value)} disabled={!write} error={fieldError('capabilities')} />

          <Title order={2} size="h4" mt="md">Domains</Title>
          <Textarea label="Custom domains" description="One per line; the default domain is always served" value={form.domains} autosize minRows={2} onChange={(e) => set('domains', e.currentTarget.value)} disabled={!write} error={fieldError('domains')} />
          <Switch label="HTTPS for every host (plain HTTP redirects)" checked={form.tls} onChange={(e) => set('tls', e.currentTarget.checked)} disabled={!write} />

          {app.git && <>
            <Title order={2} size="h4" mt="md">Source</Title>
            <TextInput label="Git repository" value={form.gitUrl} onChange={(e) => set('gitUrl', e.currentTarget.value)} disabled={!write} error={fieldError('git.url')} />
            <Group grow align="flex-start">
              <TextInput label="Branch" value={form.gitBranch} onChange={(e) => set('gitBranch', e.currentTarget.value)} disabled={!write} error={fieldError('git.branch')} />
              <TextInput label="Subdirectory" value={form.gitSubdir} onChange={(e) => set('gitSubdir', e.currentTarget.value)} disabled={!write} error={fieldError('git.subdir')} />
              <Select label="Build mode" data={[{ value: 'AUTO', label: 'Auto (Dockerfile if present)' }, { value: 'DOCKERFILE', label: 'Dockerfile' }, { value: 'SOURCE', label: 'Detect from source' }]}
                value={form.buildMode} onChange={(v) => v && set('buildMode', v)} disabled={!write} allowDeselect={false} />
              <TextInput label="Dockerfile path" placeholder="Dockerfile" value={form.dockerfilePath} onChange={(e) => set('dockerfilePath', e.currentTarget.value)} disabled={!write} error={fieldError('dockerfilePath')} />
            </Group>
          </>}
          {unassigned && <Text c="red" size="sm" role="alert">{err.message}</Text>}
          {write && (
            <Group>
              <Button type="submit" loading={save.isPending} disabled={Object.keys(pending).length === 0}>Save</Button>
              <Button variant="default" disabled={Object.keys(pending).length === 0} onClick={() => { setForm(loaded); save.reset(); }}>Discard changes</Button>
              <Text size="sm" c="dimmed">{Object.keys(pending).length ? `Changed: ${Object.keys(pending).join(', ')}` : 'No changes'}</Text>
            </Group>
          )}
        </Stack>
      </Card>
      {app.git && <Webhook app={app} write={write} />}
      {app.git && write && <Credentials app={app} />}
      <Placement app={app} write={write} />
      {write && (
        <Card withBorder>
          <Group justify="space-between">
            <Text>Delete this app. Its volumes and generated secrets are kept (an app created again under its name finds them) unless you choose otherwise.</Text>
            <Confirm label={`Delete app ${app.name}`} confirmWord={app.name} option="Also delete its volumes and generated secrets"
              onConfirm={(deleteData) => { void gql(DeleteAppDocument, { ...ref, deleteData }).then(() => navigate(`/teams/${app.team}`)); }}>Delete app</Confirm>
          </Group>
        </Card>
      )}
    </Stack>
  );
}

function Webhook({ app, write }: { app: AppDetailFragment; write: boolean }) {
  const [secret, setSecret] = useState<string>();
  const rotate = useAppMutation({ team: app.team, name: app.name }, () => gql(RotateWebhookSecretDocument, { team: app.team, app: app.name }).then((r) => { setSecret(r.rotateWebhookSecret.secret); return r; }));
  return (
    <Card withBorder>
      <Stack gap="xs">
        <Title order={2} size="h4">Webhook</Title>
        <Text size="sm">Point your git host's push webhook (GitHub, GitLab, Gitea) here; a push to {app.git?.branch} builds and deploys.</Text>
        {app.webhookUrl && <Group gap="xs"><Code>{app.webhookUrl}</Code><CopyButton value={app.webhookUrl}>{({ copied, copy }) => <Button size="compact-xs" variant="subtle" onClick={copy}>{copied ? 'Copied' : 'Copy'}</Button>}</CopyButton></Group>}
        {write && <Group><Button variant="light" onClick={() => rotate.mutate(undefined)} loading={rotate.isPending}>Rotate secret</Button></Group>}
      </Stack>
      <Modal opened={Boolean(secret)} onClose={() => setSecret(undefined)} title="New webhook secret">
        <Stack>
          <Text size="sm">Copy it into your git host now: it is not shown again.</Text>
          <Code block data-testid="secret">{secret}</Code>
          <CopyButton value={secret ?? ''}>{({ copied, copy }) => <Button onClick={copy}>{copied ? 'Copied' : 'Copy secret'}</Button>}</CopyButton>
        </Stack>
      </Modal>
    </Card>
  );
}

/** Credentials for a private repository: write-only (the API never shows them), replace or remove. */
function Credentials({ app }: { app: AppDetailFragment }) {
  const ref = { team: app.team, name: app.name };
  const [c, setC] = useState({ username: '', token: '', sshPrivateKey: '' });
  const save = useAppMutation(ref, () => gql(UpdateAppDocument, { input: { ...ref, gitCredentials: Object.fromEntries(Object.entries(c).filter(([, v]) => v.trim())) } })
    .then((r) => { setC({ username: '', token: '', sshPrivateKey: '' }); return r.updateApp; }), 'Credentials saved');
  const clear = useAppMutation(ref, () => gql(UpdateAppDocument, { input: { ...ref, clearGitCredentials: true } }).then((r) => r.updateApp), 'Credentials removed');
  const err = save.error instanceof ApiError ? save.error : undefined;
  return (
    <Card withBorder component="form" aria-label="Git credentials" onSubmit={(e: FormEvent) => { e.preventDefault(); save.mutate(undefined); }}>
      <Stack gap="xs">
        <Title order={2} size="h4">Git credentials</Title>
        <Text size="sm">{app.git?.hasCredentials ? 'Credentials are stored for this repository (they are never shown).' : 'None: the repository is cloned without credentials.'}</Text>
        <Group grow align="flex-start">
          <TextInput label="Username" value={c.username} onChange={(e) => setC({ ...c, username: e.currentTarget.value })} error={err?.field('gitCredentials.username')} autoComplete="off" />
          <PasswordInput label="Token or password" value={c.token} onChange={(e) => setC({ ...c, token: e.currentTarget.value })} error={err?.field('gitCredentials.token')} autoComplete="off" />
        </Group>
        <Textarea label="SSH private key (ssh URLs)" value={c.sshPrivateKey} onChange={(e) => setC({ ...c, sshPrivateKey: e.currentTarget.value })} error={err?.field('gitCredentials.sshPrivateKey')} autosize minRows={2} />
        {err && !err.fields.length && <Text c="red" size="sm" role="alert">{err.message}</Text>}
        <Group>
          <Button type="submit" variant="light" loading={save.isPending} disabled={!c.token.trim() && !c.sshPrivateKey.trim()}>Save credentials</Button>
          {app.git?.hasCredentials && <Button variant="default" loading={clear.isPending} onClick={() => clear.mutate(undefined)}>Remove credentials</Button>}
        </Group>
      </Stack>
    </Card>
  );
}
