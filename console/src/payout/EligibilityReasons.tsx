import { Empty, Tag, Typography } from 'antd';
import { useI18n } from '../i18n/i18n';
import { readReasons } from './enrollment-rules';

/** The eligibility trail of an enrolment: every test the rules made, pass or fail, nested as evaluated. */
export function EligibilityReasons({ reasons }: { readonly reasons: readonly string[] }) {
  const { t } = useI18n();
  const lines = readReasons(reasons);
  if (lines.length === 0) return <Empty description={t('payout.enrollment.noReasons')} />;
  return (
    <ul aria-label={t('payout.enrollment.eligibility')} style={{ listStyle: 'none', margin: 0, padding: 0 }}>
      {lines.map((line, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: the trail never reorders, and two tests may read alike
        <li key={`${i}-${line.text}`} style={{ paddingInlineStart: line.depth * 20, paddingBlock: 2 }}>
          {line.passed !== undefined && (
            <Tag color={line.passed ? 'green' : 'red'}>
              {t(line.passed ? 'payout.enrollment.pass' : 'payout.enrollment.fail')}
            </Tag>
          )}
          <Typography.Text code>{line.text}</Typography.Text>
        </li>
      ))}
    </ul>
  );
}
