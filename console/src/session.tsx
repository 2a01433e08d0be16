import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { Center, Loader } from '@mantine/core';
import { currentSession, setCsrfToken, signIn as apiSignIn, signOut as apiSignOut, whenSignedOut, type Principal } from './api';

interface SessionValue {
  principal: Principal | undefined;
  signIn(token: string): Promise<void>;
  signOut(): Promise<void>;
}

const SessionContext = createContext<SessionValue | undefined>(undefined);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [principal, setPrincipal] = useState<Principal | undefined>();
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState<string>();
  useEffect(() => {
    whenSignedOut(() => setPrincipal(undefined));
    currentSession().then((s) => {
      if (s) { setCsrfToken(s.csrfToken); setPrincipal(s.principal); }
      setLoaded(true);
    }, (err: Error) => { setError(err.message); setLoaded(true); });
  }, []);
  const signIn = useCallback(async (token: string) => {
    const s = await apiSignIn(token);
    setCsrfToken(s.csrfToken);
    setPrincipal(s.principal);
  }, []);
  const signOut = useCallback(async () => {
    await apiSignOut();
    setPrincipal(undefined);
  }, []);
  if (!loaded) return <Center h="100vh"><Loader aria-label="Loading" /></Center>;
  if (error) return <Center h="100vh" role="alert">The API cannot be reached: {error}</Center>;
  return <SessionContext.Provider value={{ principal, signIn, signOut }}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionValue {
  const v = useContext(SessionContext);
  if (!v) throw new Error('useSession outside SessionProvider');
  return v;
}

/**
 * What the signed-in principal may do in a team, mirroring the API's roles (viewer: read;
 * developer: read and change; owner: also tokens; the admin: everything). Controls a principal
 * may not use are not shown; the API refuses them anyway.
 */
export function useCan(team: string | undefined): { write: boolean; manage: boolean; admin: boolean } {
  const { principal } = useSession();
  if (!principal) return { write: false, manage: false, admin: false };
  if (principal.kind === 'admin') return { write: true, manage: true, admin: true };
  const own = principal.team === team;
  return { write: own && principal.role !== 'viewer', manage: own && principal.role === 'owner', admin: false };
}
