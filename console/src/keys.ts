/** TanStack Query keys shared between screens (one place, so an invalidation reaches every reader). */
export const appKey = (team: string, app: string) => ['app', team, app];
