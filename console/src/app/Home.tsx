import { Result } from 'antd';
import { Navigate } from 'react-router';
import { useSession } from '../auth/session';
import { useI18n } from '../i18n/i18n';
import { screensFor } from './screens';

/** The first screen of the signed-in staff member's roles. */
export function Home() {
  const { t } = useI18n();
  const { claims } = useSession();
  const first = screensFor(claims?.roles ?? [], claims?.region)[0];
  if (first) return <Navigate to={first.path} replace />;
  return <Result status="info" title={t('app.noScreens')} />;
}
