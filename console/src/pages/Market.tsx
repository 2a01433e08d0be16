import { useState, type FormEvent } from 'react';
import { Badge, Button, Card, Group, Modal, MultiSelect, NumberInput, Select, SimpleGrid, Stack, Switch, Table, Text, TextInput, Textarea, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { notifications } from '@mantine/notifications';
import { useNavigate } from 'react-router';
import { ApiError, gql } from '../api';
import {
  AppNamesDocument, ImportTemplateDocument, InstallTemplateDocument, InstallationsDocument, PublishTemplateDocument, TemplatesDocument, UninstallTemplateDocument, UpgradeInstallationDocument,
  type TemplatesQuery,
} from '../gql/graphql';
import { Problem } from '../components/Problem';
import { Confirm } from '../components/Confirm';
import { useCan } from '../session';
import { useTeam } from '../team';

type Template = TemplatesQuery['templates'][number];
type Param = Template['parameters'][number];

/** A parameter's value as the API takes it (its JSON Schema type), from the form's text. Pure. */
export function paramValue(p: Param, v: string | number | boolean): unknown {
  if (p.type === 'boolean') return Boolean(v);
  if (p.type === 'integer') return v === '' ? undefined : Number(v);
  return v === '' ? undefined : String(v);
}

/** One field per template parameter, of the kind its schema says: a choice, a number, a switch or text. */
function ParamField({ p, value, onChange, error }: { p: Param; value: string | number | boolean; onChange: (v: string | number | boolean) => void; error?: string }) {
  const common = { label: p.name, description: p.description ?? undefined, required: p.required, error };
  if (p.allowed?.length) return <Select {...common} data={p.allowed} value={String(value)} onChange={(v) => onChange(v ?? '')} />;
  if (p.type === 'boolean') return <Switch label={p.name} description={p.description ?? undefined} checked={Boolean(value)} onChange={(e) => onChange(e.currentTarget.checked)} />;
  if (p.type === 'integer') return <NumberInput {...common} value={value as number | string} onChange={onChange} allowDecimal={false} />;
  return <TextInput {...common} value={String(value)} onChange={(e) => onChange(e.currentTarget.value)} />;
}

function Install({ team, template, onClose }: { team: string; template: Template; onClose: () => void }) {
  const navigate = useNavigate();
  const client = useQueryClient();
  const [name, setName] = useState(template.name);
  const [version, setVersion] = useState(template.versions[0] ?? ''); // newest first
  const [values, setValues] = useState<Record<string, string | number | boolean>>(() => Object.fromEntries(template.parameters.map((p) => [
    p.name, p.type === 'boolean' ? p.default === 'true' : p.type === 'integer' && p.default ? Number(p.default) : p.default ?? '',
  ])));
  const install = useMutation({
    mutationFn: () => gql(InstallTemplateDocument, {
      input: { team, name, template: template.name, version, parameters: Object.fromEntries(template.parameters.map((p) => [p.name, paramValue(p, values[p.name]!)]).filter(([, v]) => v !== undefined)) },
    }),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ['installations', team] });
      notifications.show({ message: `Installing ${name}`, color: 'green' });
      onClose();
      void navigate(`/teams/${team}`);
    },
  });
  const err = install.error instanceof ApiError ? install.error : undefined;
  const submit = (e: FormEvent) => { e.preventDefault(); install.mutate(); };
  return (
    <form onSubmit={submit} aria-label={`Install ${template.name}`}>
      <Stack>
        <TextInput label="Installation name" value={name} onChange={(e) => setName(e.currentTarget.value)} required error={err?.field('name')} />
        {template.versions.length > 1 && <Select label="Version" data={template.versions} value={version} onChange={(v) => v && setVersion(v)} allowDeselect={false} />}
        {template.parameters.map((p) => (
          <ParamField key={p.name} p={p} value={values[p.name] ?? ''} onChange={(v) => setValues((s) => ({ ...s, [p.name]: v }))} error={err?.field(`parameters.${p.name}`) ?? err?.field(p.name)} />
        ))}
        {err && !err.fields.length && <Text c="red" size="sm" role="alert">{err.message}</Text>}
        {err && err.fields.length > 0 && <Text c="red" size="sm" role="alert">{err.fields.map((f) => `${f.field}: ${f.message}`).join('; ')}</Text>}
        <Group justify="flex-end"><Button variant="default" onClick={onClose}>Cancel</Button><Button type="submit" loading={install.isPending}>Install</Button></Group>
      </Stack>
    </form>
  );
}

function Publish({ team, onClose }: { team: string; onClose: () => void }) {
  const client = useQueryClient();
  const apps = useQuery({ queryKey: ['appNames', team], queryFn: ({ signal }) => gql(AppNamesDocument, { team }, signal) });
  const [form, setForm] = useState({ name: '', version: '1.0.0', description: '', apps: [] as string[] });
  const publish = useMutation({
    mutationFn: () => gql(PublishTemplateDocument, { input: { team, ...form } }),
    onSuccess: () => { void client.invalidateQueries({ queryKey: ['templates', team] }); notifications.show({ message: `Published ${form.name} ${form.version}`, color: 'green' }); onClose(); },
  });
  const err = publish.error instanceof ApiError ? publish.error : undefined;
  return (
    <form onSubmit={(e) => { e.preventDefault(); publish.mutate(); }} aria-label="Publish a template">
      <Stack>
        <TextInput label="Template name" value={form.name} onChange={(e) => setForm({ ...form, name: e.currentTarget.value })} required error={err?.field('name')} />
        <TextInput label="Version" value={form.version} onChange={(e) => setForm({ ...form, version: e.currentTarget.value })} required error={err?.field('version')} />
        <Textarea label="Description" value={form.description} onChange={(e) => setForm({ ...form, description: e.currentTarget.value })} required error={err?.field('description')} />
        <MultiSelect label="Apps" data={apps.data?.apps.map((a) => a.name) ?? []} value={form.apps} onChange={(v) => setForm({ ...form, apps: v })} error={err?.field('apps')} />
        {err && !err.fields.length && <Text c="red" size="sm" role="alert">{err.message}</Text>}
        <Group justify="flex-end"><Button variant="default" onClick={onClose}>Cancel</Button><Button type="submit" loading={publish.isPending}>Publish</Button></Group>
      </Stack>
    </form>
  );
}

/** Adds a template written in the built-in format (JSON) to the team's catalogue. */
function Import({ team, onClose }: { team: string; onClose: () => void }) {
  const client = useQueryClient();
  const [text, setText] = useState('');
  const [parseError, setParseError] = useState<string>();
  const imported = useMutation({
    mutationFn: (definition: unknown) => gql(ImportTemplateDocument, { team, definition }),
    onSuccess: (r) => { void client.invalidateQueries({ queryKey: ['templates', team] }); notifications.show({ message: `Imported ${r.importTemplate.template.name}`, color: 'green' }); onClose(); },
  });
  const err = imported.error instanceof ApiError ? imported.error : undefined;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    try { setParseError(undefined); imported.mutate(JSON.parse(text)); } catch (x) { setParseError(`not JSON: ${(x as Error).message}`); }
  };
  return (
    <form onSubmit={submit} aria-label="Import a template">
      <Stack>
        <Textarea label="Template definition (JSON)" description="name, description, versions, parameters, components: the built-in templates' format" autosize minRows={8} maxRows={20}
          value={text} onChange={(e) => setText(e.currentTarget.value)} error={parseError} styles={{ input: { fontFamily: 'monospace' } }} />
        {err && <Text c="red" size="sm" role="alert">{err.fields.length ? err.fields.map((f) => `${f.field}: ${f.message}`).join('; ') : err.message}</Text>}
        <Group justify="flex-end"><Button variant="default" onClick={onClose}>Cancel</Button><Button type="submit" loading={imported.isPending}>Import</Button></Group>
      </Stack>
    </form>
  );
}

/** The app market: the catalogue, install (a form from each template's parameters), upgrade, uninstall, publish. */
export default function Market() {
  const team = useTeam();
  const { write } = useCan(team);
  const client = useQueryClient();
  const templates = useQuery({ queryKey: ['templates', team], queryFn: ({ signal }) => gql(TemplatesDocument, { team }, signal) });
  const installations = useQuery({ queryKey: ['installations', team], queryFn: ({ signal }) => gql(InstallationsDocument, { team }, signal) });
  const [installing, setInstalling] = useState<Template>();
  const [publishing, setPublishing] = useState(false);
  const [importing, setImporting] = useState(false);
  const refresh = () => void client.invalidateQueries({ queryKey: ['installations', team] });
  const upgrade = useMutation({ mutationFn: (v: { name: string; version: string }) => gql(UpgradeInstallationDocument, { team, ...v }), onSuccess: refresh });
  const uninstall = useMutation({ mutationFn: (v: { name: string; deleteData: boolean }) => gql(UninstallTemplateDocument, { team, ...v }), onSuccess: refresh });
  const versionsOf = (t: string) => templates.data?.templates.find((x) => x.name === t)?.versions ?? [];
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1} size="h2">Market</Title>
        {write && <Group gap="xs"><Button variant="default" onClick={() => setImporting(true)}>Import a template</Button><Button variant="light" onClick={() => setPublishing(true)}>Publish apps as a template</Button></Group>}
      </Group>
      <Problem error={templates.error ?? installations.error ?? upgrade.error ?? uninstall.error} />
      {(installations.data?.installations.length ?? 0) > 0 && (
        <>
          <Title order={2} size="h4">Installed</Title>
          <Table.ScrollContainer minWidth={600}>
            <Table aria-label="Installations">
              <Table.Thead><Table.Tr><Table.Th>Name</Table.Th><Table.Th>Template</Table.Th><Table.Th>Version</Table.Th><Table.Th>Apps</Table.Th><Table.Th /></Table.Tr></Table.Thead>
              <Table.Tbody>
                {installations.data!.installations.map((i) => (
                  <Table.Tr key={i.name} data-installation={i.name}>
                    <Table.Td>{i.name}</Table.Td>
                    <Table.Td>{i.template}</Table.Td>
                    <Table.Td>
                      {write && versionsOf(i.template).length > 1
                        ? <Select aria-label={`Version of ${i.name}`} size="xs" w={120} data={versionsOf(i.template)} value={i.version} allowDeselect={false}
                          onChange={(v) => v && v !== i.version && upgrade.mutate({ name: i.name, version: v })} />
                        : i.version}
                    </Table.Td>
                    <Table.Td><Text size="sm">{i.apps.map((a) => `${a.name} (${a.status.health})`).join(', ')}</Text></Table.Td>
                    <Table.Td>{write && <Confirm label={`Uninstall ${i.name}`} confirmWord={i.name} option="Also delete its volumes and generated secrets" onConfirm={(deleteData) => uninstall.mutate({ name: i.name, deleteData })}>Uninstall</Confirm>}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </>
      )}
      <Title order={2} size="h4">Catalogue</Title>
      <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
        {templates.data?.templates.map((t) => (
          <Card key={t.name} withBorder data-template={t.name}>
            <Stack gap="xs" h="100%">
              <Group justify="space-between"><Title order={3} size="h5">{t.name}</Title><Badge variant="light">{t.scope}</Badge></Group>
              <Text size="sm" style={{ flex: 1 }}>{t.description}</Text>
              <Text size="xs" c="dimmed">versions {t.versions.join(', ')} · {t.components.length} component(s)</Text>
              {write && <Button variant="light" onClick={() => setInstalling(t)} aria-label={`Install ${t.name}`}>Install</Button>}
            </Stack>
          </Card>
        ))}
      </SimpleGrid>
      <Modal opened={Boolean(installing)} onClose={() => setInstalling(undefined)} title={`Install ${installing?.name ?? ''}`}>
        {installing && <Install team={team} template={installing} onClose={() => setInstalling(undefined)} />}
      </Modal>
      <Modal opened={importing} onClose={() => setImporting(false)} title="Import a template" size="lg">
        {importing && <Import team={team} onClose={() => setImporting(false)} />}
      </Modal>
      <Modal opened={publishing} onClose={() => setPublishing(false)} title="Publish apps as a template">
        {publishing && <Publish team={team} onClose={() => setPublishing(false)} />}
      </Modal>
    </Stack>
  );
}
