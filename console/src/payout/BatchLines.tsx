import { Checkbox, Form, Select, Tag } from 'antd';
import { Link, useSearchParams } from 'react-router';
import { unwrap } from '../api/problem';
import type { PaymentLine } from '../api/types';
import { useApi } from '../api/use-api';
import { useI18n } from '../i18n/i18n';
import type { MessageKey } from '../i18n/messages';
import { CursorTable } from '../shared/CursorTable';
import { useCursorPages } from '../shared/cursor-pages';
import { formatYuan } from '../shared/money';
import { useSearchUpdate } from '../shared/use-search-update';
import {
  filterLines,
  LINE_STATE_COLOUR,
  LINE_STATES,
  type LineReason,
  type LineState,
  lineReasonOf,
  reasonsFor,
} from './batch-rules';

const reasonLabel = (key: string): MessageKey =>
  key === 'rejected' || key === 'returned'
    ? `payout.failure.${key}`
    : (`payout.holdReason.${key}` as MessageKey);

/**
 * A batch's payment lines, page by page: filtered by state at the API, then by the reason a
 * held or failed line carries and by a changed account among the lines read so far.
 */
export function BatchLines({ batchId }: { readonly batchId: string }) {
  const { t } = useI18n();
  const api = useApi();
  const [search] = useSearchParams();
  const state = (LINE_STATES as readonly string[]).includes(search.get('lines') ?? '')
    ? (search.get('lines') as LineState)
    : undefined;
  const reason = reasonsFor(state).includes(search.get('reason') ?? '')
    ? (search.get('reason') ?? undefined)
    : undefined;
  const onlyChanged = search.get('changed') === '1';
  const pages = useCursorPages<PaymentLine>(['payout-lines', batchId, state], async (cursor) =>
    unwrap(
      await api.GET('/v1/payout-batches/{batchId}/payments', {
        params: {
          path: { batchId },
          query: { limit: 50, ...(state ? { state } : {}), ...(cursor ? { cursor } : {}) },
        },
      }),
    ),
  );
  const set = useSearchUpdate({ replace: true });
  const showReason = (r: LineReason | undefined) =>
    r === undefined
      ? ''
      : r.kind === 'held'
        ? t(reasonLabel(r.reason))
        : t(`payout.failure.${r.kind}`, { code: r.code });
  const label = t('payout.batch.lines');
  return (
    <>
      <Form layout="inline" aria-label={t('payout.filter')} style={{ rowGap: 8 }}>
        <Form.Item label={t('payout.line.state')}>
          <Select
            allowClear
            aria-label={t('payout.line.state')}
            style={{ width: 120 }}
            placeholder={t('payout.any')}
            value={state}
            onChange={(v) => set({ lines: v, reason: undefined })}
            options={LINE_STATES.map((s) => ({ value: s, label: t(`payout.lineState.${s}`) }))}
          />
        </Form.Item>
        {reasonsFor(state).length > 0 && (
          <Form.Item label={t('payout.line.reason')}>
            <Select
              allowClear
              aria-label={t('payout.line.reason')}
              style={{ width: 200 }}
              placeholder={t('payout.any')}
              value={reason}
              onChange={(v) => set({ reason: v })}
              options={reasonsFor(state).map((r) => ({
                value: r,
                label: t(reasonLabel(r), { code: '…' }),
              }))}
            />
          </Form.Item>
        )}
        <Form.Item>
          <Checkbox
            checked={onlyChanged}
            onChange={(e) => set({ changed: e.target.checked ? '1' : undefined })}
          >
            {t('payout.line.onlyChanged')}
          </Checkbox>
        </Form.Item>
      </Form>
      <CursorTable<PaymentLine>
        label={label}
        pages={pages}
        rowKey="lineId"
        rows={filterLines(pages.items, { ...(reason ? { reason } : {}), onlyChanged })}
        columns={[
          {
            title: t('payout.line.enrollment'),
            key: 'enrollment',
            render: (_, l) => <Link to={`/payout/enrollments/${l.enrollmentId}`}>{l.enrollmentId}</Link>,
          },
          { title: t('payout.period'), dataIndex: 'period' },
          {
            title: t('payout.line.amount'),
            key: 'amount',
            align: 'right',
            render: (_, l) => formatYuan(l.amountFen),
          },
          {
            title: t('payout.line.state'),
            key: 'state',
            render: (_, l) => (
              <Tag color={LINE_STATE_COLOUR[l.state]}>{t(`payout.lineState.${l.state}`)}</Tag>
            ),
          },
          { title: t('payout.line.reason'), key: 'reason', render: (_, l) => showReason(lineReasonOf(l)) },
          {
            title: t('payout.line.accountChanged'),
            key: 'accountChanged',
            render: (_, l) =>
              l.accountChanged ? (
                <Tag color="volcano" data-testid="account-changed">
                  {t('payout.line.accountChanged')}
                </Tag>
              ) : null,
          },
          { title: t('payout.line.endToEndId'), dataIndex: 'endToEndId' },
        ]}
      />
    </>
  );
}
