import { Result } from 'antd';
import type { ComponentType } from 'react';
import { createBrowserRouter, type RouteObject } from 'react-router';
import { useI18n } from '../i18n/i18n';
import { Home } from './Home';
import { RequireSession } from './RequireSession';
import { Shell } from './Shell';

/** Each screen is its own chunk, loaded when first opened (route-level code splitting). */
const screen = (load: () => Promise<{ default: ComponentType }>): Pick<RouteObject, 'lazy'> => ({
  lazy: async () => ({ Component: (await load()).default }),
});

function NotFound() {
  const { t } = useI18n();
  return <Result status="404" title={t('app.notFound')} />;
}

export const routes: RouteObject[] = [
  { path: '/callback', ...screen(() => import('../auth/Callback')) },
  {
    element: <RequireSession />,
    children: [
      {
        path: '/households/:householdId/certificates/:certificateId/print',
        ...screen(() => import('../registrar/CertificatePrint')),
      },
      {
        element: <Shell />,
        children: [
          { index: true, element: <Home /> },
          { path: '/registrations', ...screen(() => import('../registrar/WorkQueue')) },
          { path: '/registrations/:registrationId', ...screen(() => import('../registrar/Registration')) },
          { path: '/persons', ...screen(() => import('../registrar/PersonSearch')) },
          { path: '/persons/:personId', ...screen(() => import('../registrar/Person')) },
          { path: '/exchange/partners', ...screen(() => import('../exchange/Partners')) },
          { path: '/exchange/messages', ...screen(() => import('../exchange/Messages')) },
          { path: '/exchange/messages/:messageId', ...screen(() => import('../exchange/Message')) },
          { path: '/payout/enrollments', ...screen(() => import('../payout/Enrollments')) },
          { path: '/payout/enrollments/:enrollmentId', ...screen(() => import('../payout/Enrollment')) },
          { path: '/payout/batches', ...screen(() => import('../payout/Batches')) },
          { path: '/payout/batches/:batchId', ...screen(() => import('../payout/Batch')) },
          { path: '/payout/approvals', ...screen(() => import('../payout/Approvals')) },
          { path: '/reports/births', ...screen(() => import('../reports/BirthsReport')) },
          { path: '/reports/payouts', ...screen(() => import('../reports/PayoutsReport')) },
          { path: '/audit/access-log', ...screen(() => import('../audit/AccessLog')) },
          { path: '*', element: <NotFound /> },
        ],
      },
    ],
  },
];

export const createRouter = () =>
  createBrowserRouter(routes, { basename: import.meta.env.BASE_URL.replace(/\/$/, '') });
