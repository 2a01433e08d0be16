import type { AppDetailFragment } from '../../gql/graphql';
import { EventList } from '../../components/EventList';

/** The audit trail of this app: the team's events about it. */
export function AppEvents({ app }: { app: AppDetailFragment }) {
  return <EventList team={app.team} subject={`app/${app.name}`} />;
}
