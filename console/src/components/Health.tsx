import { Badge, type MantineColor } from '@mantine/core';

export const HEALTH_COLOR: Record<string, MantineColor> = {
  Ready: 'green', Progressing: 'blue', Degraded: 'orange', Failed: 'red', Stopped: 'gray', Sleeping: 'gray', Missing: 'gray', Unknown: 'gray',
};

/** The health the console shows: the API's, except that a stopped app reads Stopped and a sleeping one (scale to zero) Sleeping. */
export function shownHealth(a: { running: boolean; status: { health: string; reason?: string } }): string {
  return !a.running ? 'Stopped' : a.status.reason === 'Sleeping' ? 'Sleeping' : a.status.health;
}

export function HealthBadge({ health }: { health: string }) {
  return <Badge color={HEALTH_COLOR[health] ?? 'gray'} variant="dot" data-health={health}>{health}</Badge>;
}
