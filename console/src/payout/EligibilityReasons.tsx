import { Empty, List, Tag, Typography } from 'antd';
import { useI18n } from '../i18n/i18n';
import { readReasons } from './enrollment-rules';

/** The eligibility trail of an enrolment: every test the rules made, pass or fail, nested as evaluated. */
export function EligibilityReasons({ reasons }: { readonly reasons: readonly string[] }) {
  const { t } = useI18n();
  const lines = readReasons(reasons);
  if (lines.length === 0) return <Empty description={t('payout.enrollment.noReasons')} />;
  return (
    <List
      size="small"
      aria-label={t('payout.enrollment.eligibility')}
      dataSource={lines}
      renderItem={(line, i) => (
        <List.Item key={`${i}-${line.text}`} style={{ paddingInlineStart: 8 + line.depth * 20 }}>
          <span>
            {line.passed !== undefined && (
              <Tag color={line.passed ? 'green' : 'red'}>
                {t(line.passed ? 'payout.enrollment.pass' : 'payout.enrollment.fail')}
              </Tag>
            )}
            <Typography.Text code>{line.text}</Typography.Text>
          </span>
        </List.Item>
      )}
    />
  );
}
