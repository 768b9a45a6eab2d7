import { Button, Flex, Layout, Menu, Spin, Typography } from 'antd';
import { Suspense } from 'react';
import { Link, Outlet, useLocation } from 'react-router';
import { useSession } from '../auth/session';
import { useI18n } from '../i18n/i18n';
import { screensFor } from './screens';

/** The frame of every working screen: the role's menu, who is signed in, language, sign-out. */
export function Shell() {
  const { t, language, setLanguage } = useI18n();
  const { claims, signOut } = useSession();
  const location = useLocation();
  const screens = screensFor(claims?.roles ?? [], claims?.region);
  const selected = screens.find((s) => location.pathname.startsWith(s.path))?.path;
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Header style={{ display: 'flex', alignItems: 'center', gap: 24, paddingInline: 24 }}>
        <Typography.Text strong style={{ color: '#fff', whiteSpace: 'nowrap' }}>
          {t('app.title')}
        </Typography.Text>
        <Menu
          theme="dark"
          mode="horizontal"
          aria-label="main"
          selectedKeys={selected ? [selected] : []}
          style={{ flex: 1, minWidth: 0 }}
          items={screens.map((s) => ({ key: s.path, label: <Link to={s.path}>{t(s.label)}</Link> }))}
        />
        <Flex gap="small" align="center">
          <Typography.Text style={{ color: '#fff' }} data-testid="signed-in-as">
            {claims?.sub} · {t('app.region')} {claims?.region}
          </Typography.Text>
          <Button size="small" onClick={() => setLanguage(language === 'en' ? 'zh-CN' : 'en')}>
            {t('app.language')}
          </Button>
          <Button size="small" onClick={() => signOut('signed-out')}>
            {t('app.signOut')}
          </Button>
        </Flex>
      </Layout.Header>
      <Layout.Content style={{ padding: 24 }}>
        <Suspense fallback={<Spin />}>
          <Outlet />
        </Suspense>
      </Layout.Content>
    </Layout>
  );
}
