import { Alert, Button, Card, Flex, Typography } from 'antd';
import { useState } from 'react';
import { useI18n } from '../i18n/i18n';
import type { MessageKey } from '../i18n/messages';
import { beginSignIn } from './oidc';
import { type SignedOutReason, useSession } from './session';

const REASON: Record<SignedOutReason, MessageKey> = {
  expired: 'auth.expired',
  idle: 'auth.idle',
  'signed-out': 'auth.signedOut',
  failed: 'auth.failed',
};

/** Nobody is signed in: why (after an expiry or idle sign-out), and the way to sign in. */
export function SignedOut() {
  const { t } = useI18n();
  const { settings, signedOutReason } = useSession();
  const [leaving, setLeaving] = useState(false);
  const signIn = () => {
    setLeaving(true);
    const here = window.location.pathname.replace(import.meta.env.BASE_URL.replace(/\/$/, ''), '');
    void beginSignIn(settings, here === '/callback' ? '/' : here + window.location.search);
  };
  return (
    <Flex justify="center" align="center" style={{ minHeight: '100vh' }}>
      <Card style={{ width: 420 }}>
        <Flex vertical gap="middle">
          <Typography.Title level={3}>{t('auth.signInTitle')}</Typography.Title>
          {signedOutReason && <Alert type="info" showIcon title={t(REASON[signedOutReason])} />}
          <Typography.Text type="secondary">{t('auth.signInIntro')}</Typography.Text>
          <Button type="primary" size="large" onClick={signIn} loading={leaving} autoFocus>
            {t('auth.signIn')}
          </Button>
        </Flex>
      </Card>
    </Flex>
  );
}
