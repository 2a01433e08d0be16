import { Alert } from '@mantine/core';
import { ApiError } from '../api';

/** An error the API answered with, in words; never a blank screen. */
export function Problem({ error, title = 'Something went wrong' }: { error: unknown; title?: string }) {
  if (!error) return null;
  const code = error instanceof ApiError ? error.code : undefined;
  const message = code === 'UNREACHABLE'
    ? 'The API cannot be reached. Check your connection; the console tries again when you act again.'
    : error instanceof Error ? error.message : String(error);
  return (
    <Alert color="red" title={code === 'NOT_FOUND' ? 'Not found' : code === 'FORBIDDEN' ? 'Not allowed' : title} role="alert">
      {message}
    </Alert>
  );
}
