import { Badge, type MantineColor } from '@mantine/core';

export const HEALTH_COLOR: Record<string, MantineColor> = {
  Ready: 'green', Progressing: 'blue', Degraded: 'orange', Failed: 'red', Stopped: 'gray', Missing: 'gray', Unknown: 'gray',
};

/** The health the console shows: the API's, except that a stopped app reads Stopped. */
export function shownHealth(a: { running: boolean; status: { health: string } }): string {
  return a.running ? a.status.health : 'Stopped';
}

export function HealthBadge({ health }: { health: string }) {
  return <Badge color={HEALTH_COLOR[health] ?? 'gray'} variant="dot" data-health={health}>{health}</Badge>;
}
