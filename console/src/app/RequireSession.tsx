import { Outlet } from 'react-router';
import { SignedOut } from '../auth/SignedOut';
import { useSession } from '../auth/session';

/** Working screens need a signed-in staff member; otherwise the sign-in card. */
export function RequireSession() {
  const { token } = useSession();
  return token ? <Outlet /> : <SignedOut />;
}
