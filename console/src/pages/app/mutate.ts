import { useMutation, useQueryClient } from '@tanstack/react-query';
import { notifications } from '@mantine/notifications';
import type { AppDetailFragment } from '../../gql/graphql';
import { appKey } from '../../keys';

/**
 * A mutation of one app: on success the app's query is refreshed (or set from the answer), and
 * the outcome is announced; the error stays on the mutation for the form to show beside fields.
 */
export function useAppMutation<V>(app: { team: string; name: string }, fn: (v: V) => Promise<{ app?: AppDetailFragment } | unknown>, done?: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: (r) => {
      const fresh = (r as { app?: AppDetailFragment } | undefined)?.app;
      if (fresh) client.setQueryData(appKey(app.team, app.name), { app: fresh });
      else void client.invalidateQueries({ queryKey: appKey(app.team, app.name) });
      void client.invalidateQueries({ queryKey: ['releases', app.team, app.name] });
      if (done) notifications.show({ message: done, color: 'green' });
    },
    onError: (err: Error) => notifications.show({ title: 'Not done', message: err.message, color: 'red' }),
  });
}
