import { useParams } from 'react-router';

/** The team of the current URL (/teams/:team/…). */
export function useTeam(): string {
  return useParams().team ?? '';
}
