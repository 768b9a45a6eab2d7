import { Empty, Timeline, Typography } from 'antd';
import dayjs from 'dayjs';
import { useI18n } from '../i18n/i18n';
import { historyLabel, readHistory } from './history';

/** What was done to a record, by whom, when (local time) and why, oldest first. */
export function HistoryTimeline({ history }: { readonly history: unknown }) {
  const { t } = useI18n();
  const entries = readHistory(history);
  if (entries.length === 0) return <Empty description={t('app.empty')} />;
  return (
    <Timeline
      items={entries.map((entry, i) => {
        const label = historyLabel(entry.type);
        return {
          key: `${entry.type}-${i}`,
          content: (
            <>
              <Typography.Text strong>{label ? t(label) : entry.type}</Typography.Text>
              {entry.by && ` · ${entry.by}`}
              {entry.at && ` · ${dayjs(entry.at).format('YYYY-MM-DD HH:mm:ss')}`}
              {entry.reason && <div>{entry.reason}</div>}
            </>
          ),
        };
      })}
    />
  );
}
