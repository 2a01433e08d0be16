import { Stack, Title } from '@mantine/core';
import { EventList } from '../components/EventList';
import { useTeam } from '../team';

export default function Events() {
  const team = useTeam();
  return <Stack><Title order={1} size="h2">Events</Title><EventList team={team} /></Stack>;
}
