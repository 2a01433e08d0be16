import { useState, type ReactNode } from 'react';
import { Button, Checkbox, Group, Modal, Stack, Text, TextInput } from '@mantine/core';

/**
 * A destructive action behind a confirmation; with `confirmWord`, the user types it (the name of
 * what goes away), as with `heroku apps:destroy`.
 */
export function Confirm({ label, children, onConfirm, confirmWord, option, color = 'red', variant = 'light' }: {
  label: string; children: ReactNode; onConfirm: (option: boolean) => void; confirmWord?: string; color?: string; variant?: string;
  /** A choice that goes with the action, e.g. "also delete its data" (unchecked by default). */
  option?: string;
}) {
  const [open, setOpen] = useState(false);
  const [typed, setTyped] = useState('');
  const [checked, setChecked] = useState(false);
  const ok = !confirmWord || typed === confirmWord;
  return (
    <>
      <Button size="compact-sm" color={color} variant={variant} onClick={() => setOpen(true)} aria-label={label}>{children}</Button>
      <Modal opened={open} onClose={() => setOpen(false)} title={label}>
        <Stack>
          {confirmWord && <Text size="sm">Type <b>{confirmWord}</b> to confirm.</Text>}
          {confirmWord && <TextInput aria-label="Confirm by typing the name" value={typed} onChange={(e) => setTyped(e.currentTarget.value)} data-autofocus />}
          {option && <Checkbox label={option} checked={checked} onChange={(e) => setChecked(e.currentTarget.checked)} />}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setOpen(false)}>Cancel</Button>
            <Button color={color} disabled={!ok} onClick={() => { setOpen(false); setTyped(''); onConfirm(checked); setChecked(false); }}>{children}</Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
