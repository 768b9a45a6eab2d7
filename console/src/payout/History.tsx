import { Empty, Timeline, Typography } from 'antd';
import { useI18n } from '../i18n/i18n';
import { readActions } from './enrollment-rules';

/** What was done to an enrolment or a batch, by whom, when and why, oldest first. */
export function History({ actions }: { readonly actions: unknown }) {
  const { t } = useI18n();
  const entries = readActions(actions);
  if (entries.length === 0) return <Empty description={t('app.empty')} />;
  return (
    <Timeline
      items={entries.map((entry, i) => ({
        key: `${entry.type}-${i}`,
        content: (
          <>
            <Typography.Text strong>{entry.type}</Typography.Text> · {entry.by} · {entry.at}
            {entry.reason && <div>{entry.reason}</div>}
          </>
        ),
      }))}
    />
  );
}
