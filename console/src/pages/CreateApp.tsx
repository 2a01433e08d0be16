import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { Alert, Anchor, Button, Card, Group, NumberInput, SegmentedControl, Select, Stack, Text, TextInput, Textarea, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { ApiError, gql } from '../api';
import { CreateAppDocument, DetectSourceDocument, type CreateAppInput, type DetectSourceQuery } from '../gql/graphql';
import { useTeam } from '../team';

/** "K=V" lines to env entries; blank lines skipped. Pure. */
export function parseEnv(text: string): { name: string; value: string }[] {
  return text.split('\n').map((l) => l.trim()).filter(Boolean).map((l) => {
    const i = l.indexOf('=');
    return i < 0 ? { name: l, value: '' } : { name: l.slice(0, i).trim(), value: l.slice(i + 1) };
  });
}

/** A new app from an image or from git (with a preview of what detection would build); templates are in the market. */
export default function CreateApp() {
  const team = useTeam();
  const navigate = useNavigate();
  const client = useQueryClient();
  const [kind, setKind] = useState<'image' | 'git'>('image');
  const [f, setF] = useState({ name: '', image: '', url: '', branch: 'main', subdir: '', buildMode: 'AUTO', dockerfilePath: '', port: 8080 as number | string, replicas: 1 as number | string, env: '', domain: '' });
  const [volumes, setVolumes] = useState<{ name: string; mountPath: string; size: string }[]>([]);
  const [plan, setPlan] = useState<DetectSourceQuery['detectSource']>();
  const set = (k: keyof typeof f, v: string | number) => setF((s) => ({ ...s, [k]: v }));
  const create = useMutation({
    mutationFn: () => {
      const input: CreateAppInput = {
        team, name: f.name.trim(), port: Number(f.port), replicas: Number(f.replicas), env: parseEnv(f.env),
        ...(f.domain.trim() ? { domains: [f.domain.trim()] } : {}),
        ...(volumes.length ? { volumes: volumes.map((v) => ({ name: v.name.trim(), mountPath: v.mountPath.trim(), size: v.size.trim() })) } : {}),
        ...(kind === 'image' ? { image: f.image.trim() } : {
          git: { url: f.url.trim(), branch: f.branch.trim() || undefined, subdir: f.subdir.trim() || undefined }, buildMode: f.buildMode as CreateAppInput['buildMode'],
          ...(f.dockerfilePath.trim() ? { dockerfilePath: f.dockerfilePath.trim() } : {}),
        }),
      };
      return gql(CreateAppDocument, { input });
    },
    onSuccess: (r) => {
      void client.invalidateQueries({ queryKey: ['appNames', team] });
      void navigate(`/teams/${team}/apps/${r.createApp.app.name}`);
    },
  });
  const detect = useMutation({
    mutationFn: () => gql(DetectSourceDocument, { team, url: f.url.trim(), ref: f.branch.trim() || undefined, subdir: f.subdir.trim() || undefined, buildMode: f.buildMode as CreateAppInput['buildMode'] }),
    onSuccess: (r) => { setPlan(r.detectSource); if (r.detectSource.port) set('port', r.detectSource.port); },
  });
  const err = create.error instanceof ApiError ? create.error : undefined;
  const fe = (name: string) => err?.field(name);
  const submit = (e: FormEvent) => { e.preventDefault(); create.mutate(); };
  return (
    <Stack maw={760}>
      <Title order={1} size="h2">New app</Title>
      <SegmentedControl value={kind} onChange={(v) => setKind(v as 'image' | 'git')} data={[{ value: 'image', label: 'From an image' }, { value: 'git', label: 'From git' }]} aria-label="Source" />
      <Text size="sm">Or install a ready service (MySQL, Redis, …) from the <Anchor component={Link} to={`/teams/${team}/market`}>market</Anchor>.</Text>
      <Card withBorder component="form" onSubmit={submit} aria-label="Create an app">
        <Stack>
          <TextInput label="Name" description="Lower-case letters, digits and -; part of its default domain" value={f.name} onChange={(e) => set('name', e.currentTarget.value)} required error={fe('name')} />
          {kind === 'image'
            ? <TextInput label="Image" placeholder="nginx:1.27" value={f.image} onChange={(e) => set('image', e.currentTarget.value)} required error={fe('image')} />
            : <>
              <TextInput label="Git repository" placeholder="https://github.com/you/app.git" value={f.url} onChange={(e) => { set('url', e.currentTarget.value); setPlan(undefined); }} required error={fe('git.url') ?? fe('git')} />
              <Group grow align="flex-start">
                <TextInput label="Branch" value={f.branch} onChange={(e) => set('branch', e.currentTarget.value)} error={fe('git.branch')} />
                <TextInput label="Subdirectory" value={f.subdir} onChange={(e) => set('subdir', e.currentTarget.value)} error={fe('git.subdir')} />
                <Select label="Build mode" data={[{ value: 'AUTO', label: 'Auto' }, { value: 'DOCKERFILE', label: 'Dockerfile' }, { value: 'SOURCE', label: 'Detect from source' }]} value={f.buildMode} onChange={(v) => v && set('buildMode', v)} allowDeselect={false} />
                <TextInput label="Dockerfile path" placeholder="Dockerfile" value={f.dockerfilePath} onChange={(e) => set('dockerfilePath', e.currentTarget.value)} error={fe('dockerfilePath')} />
              </Group>
              <Group>
                <Button variant="light" onClick={() => detect.mutate()} loading={detect.isPending} disabled={!f.url.trim()}>Preview detection</Button>
                {detect.error && <Text c="red" size="sm" role="alert">{detect.error.message}</Text>}
              </Group>
              {plan && (
                <Alert color="blue" title="What Yunbang would build" data-testid="detection">
                  {plan.dockerfile ? `The repository's ${plan.dockerfile}` : `${plan.language}${plan.version ? ` ${plan.version}` : ''}${plan.framework ? ` (${plan.framework})` : ''}`}
                  {plan.versionSource && `, version from ${plan.versionSource}`}
                  {plan.evidence.length > 0 && `; decided by ${plan.evidence.join(', ')}`}
                  {plan.startCommand && <>; starts with <code>{plan.startCommand}</code></>}; port {plan.port}.
                </Alert>
              )}
            </>}
          <Group grow align="flex-start">
            <NumberInput label="Port" min={1} max={65535} value={f.port} onChange={(v) => set('port', v)} error={fe('port')} />
            <NumberInput label="Replicas" min={0} max={100} value={f.replicas} onChange={(v) => set('replicas', v)} error={fe('replicas')} />
          </Group>
          <Textarea label="Environment" description="One NAME=value per line" value={f.env} onChange={(e) => set('env', e.currentTarget.value)} autosize minRows={2} error={fe('env')} />
          <TextInput label="Custom domain (optional)" value={f.domain} onChange={(e) => set('domain', e.currentTarget.value)} error={fe('domains')} />
          {volumes.map((v, i) => (
            <Group key={i} grow align="flex-start">
              <TextInput label={`Volume ${i + 1} name`} value={v.name} onChange={(e) => { const x = e.currentTarget.value; setVolumes((vs) => vs.map((w, j) => (j === i ? { ...w, name: x } : w))); }} error={fe(`volumes[${i}].name`)} />
              <TextInput label="Mounted at" placeholder="/data" value={v.mountPath} onChange={(e) => { const x = e.currentTarget.value; setVolumes((vs) => vs.map((w, j) => (j === i ? { ...w, mountPath: x } : w))); }} error={fe(`volumes[${i}].mountPath`)} />
              <TextInput label="Size" placeholder="1Gi" value={v.size} onChange={(e) => { const x = e.currentTarget.value; setVolumes((vs) => vs.map((w, j) => (j === i ? { ...w, size: x } : w))); }} error={fe(`volumes[${i}].size`)} />
            </Group>
          ))}
          <Group><Button variant="default" size="compact-sm" onClick={() => setVolumes((vs) => [...vs, { name: '', mountPath: '', size: '1Gi' }])}>Add a volume</Button>
            {volumes.length > 0 && <Text size="xs" c="dimmed">An app with volumes runs as a StatefulSet; its data outlives it unless deleted with it.</Text>}</Group>
          {err && err.fields.length === 0 && <Text c="red" size="sm" role="alert">{err.message}</Text>}
          {create.error && !err && <Text c="red" size="sm" role="alert">{create.error.message}</Text>}
          <Group><Button type="submit" loading={create.isPending}>Create app</Button></Group>
        </Stack>
      </Card>
    </Stack>
  );
}
