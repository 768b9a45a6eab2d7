import { useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { claimsOf, type StaffClaims } from './claims';
import { useIdleTimeout } from './idle';
import type { ConsoleSettings } from './settings';

/** Signed out after this long without activity; the staff token itself lasts at most 15 minutes. */
export const IDLE_MS = 15 * 60 * 1000;
/** Sign in again a little before the token's expiry, so no call is refused half-way. */
const EXPIRY_MARGIN_MS = 10_000;

export type SignedOutReason = 'expired' | 'idle' | 'signed-out' | 'failed';

interface Session {
  readonly settings: ConsoleSettings;
  readonly token: string | undefined;
  readonly claims: StaffClaims | undefined;
  readonly signedOutReason: SignedOutReason | undefined;
  signIn(token: string): void;
  signOut(reason: SignedOutReason): void;
}

const SessionContext = createContext<Session | undefined>(undefined);

/**
 * The signed-in staff member, in memory only: a reload or a new tab signs in again. Ends at
 * the token's expiry, after `idleMs` without activity, or on the API's 401; every cached
 * answer is dropped with it.
 */
export function SessionProvider(props: {
  readonly settings: ConsoleSettings;
  readonly children: ReactNode;
  readonly idleMs?: number;
  readonly now?: () => number;
}) {
  const queryClient = useQueryClient();
  const [token, setToken] = useState<string>();
  const [signedOutReason, setReason] = useState<SignedOutReason>();
  const claims = useMemo(() => (token ? claimsOf(token) : undefined), [token]);
  const now = props.now ?? Date.now;

  const signOut = useCallback(
    (reason: SignedOutReason) => {
      setToken(undefined);
      setReason(reason);
      queryClient.clear();
    },
    [queryClient],
  );
  const signIn = useCallback((next: string) => {
    setToken(next);
    setReason(undefined);
  }, []);

  useEffect(() => {
    if (!claims) return;
    const left = claims.exp * 1000 - now() - EXPIRY_MARGIN_MS;
    const timer = window.setTimeout(() => signOut('expired'), Math.max(0, left));
    return () => window.clearTimeout(timer);
  }, [claims, now, signOut]);
  useIdleTimeout(token !== undefined, props.idleMs ?? IDLE_MS, () => signOut('idle'));

  const value = useMemo<Session>(
    () => ({ settings: props.settings, token, claims, signedOutReason, signIn, signOut }),
    [props.settings, token, claims, signedOutReason, signIn, signOut],
  );
  return <SessionContext.Provider value={value}>{props.children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const context = useContext(SessionContext);
  if (!context) throw new Error('useSession outside SessionProvider');
  return context;
}
