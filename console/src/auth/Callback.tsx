import { Flex, Spin } from 'antd';
import { useEffect, useRef } from 'react';
import { useNavigate } from 'react-router';
import { useI18n } from '../i18n/i18n';
import { completeSignIn } from './oidc';
import { useSession } from './session';

/** Where the identity provider sends the browser back: redeem the code, then go where the user was. */
export default function Callback() {
  const { t } = useI18n();
  const session = useSession();
  const navigate = useNavigate();
  const started = useRef(false);
  useEffect(() => {
    // Once only: a code is good for one redemption (React may run effects twice in development).
    if (started.current) return;
    started.current = true;
    completeSignIn(session.settings, window.location.search).then(
      ({ token, returnTo }) => {
        session.signIn(token);
        navigate(returnTo.startsWith('/') && !returnTo.startsWith('//') ? returnTo : '/', { replace: true });
      },
      () => {
        session.signOut('failed');
        navigate('/', { replace: true });
      },
    );
  }, [session, navigate]);
  return (
    <Flex justify="center" align="center" style={{ minHeight: '100vh' }}>
      <Spin description={t('auth.signingIn')} />
    </Flex>
  );
}
