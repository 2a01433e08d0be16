import { useEffect, useRef, useState } from 'react';
import { ApiError, subscribe } from './api';
import type { TypedDocumentString } from './gql/graphql';

/**
 * Follows a subscription while the component is shown. `key` restarts it (e.g. another app);
 * `onData` is called for each result. Returns the connection's state and the last error.
 */
export function useSubscription<R, V>(doc: TypedDocumentString<R, V>, variables: V, key: string, onData: (data: R) => void, enabled = true) {
  const handler = useRef(onData);
  handler.current = onData;
  const [state, setState] = useState<'connecting' | 'live' | 'reconnecting' | 'ended'>('connecting');
  const [error, setError] = useState<ApiError>();
  useEffect(() => {
    if (!enabled) return;
    setState('connecting');
    setError(undefined);
    return subscribe(doc, variables, { onData: (d) => handler.current(d), onError: setError, onState: setState });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, enabled]);
  return { state, error };
}
