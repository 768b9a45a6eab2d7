import { DatePicker, Form, Input } from 'antd';
import dayjs from 'dayjs';
import type { ReactNode } from 'react';
import { useSession } from '../auth/session';
import { useI18n } from '../i18n/i18n';

/**
 * A report's region and period: a region code (inside the caller's own; empty for their own)
 * and a range of months or years. Changes go to the address, so a report can be shared.
 */
export function ReportFilters(props: {
  readonly picker: 'month' | 'year';
  readonly region: string | undefined;
  readonly regionPattern: RegExp;
  readonly from: string;
  readonly to: string;
  readonly onChange: (values: Record<string, string | undefined>) => void;
  readonly children?: ReactNode;
}) {
  const { t } = useI18n();
  const { claims } = useSession();
  const format = props.picker === 'month' ? 'YYYY-MM' : 'YYYY';
  return (
    <Form layout="inline" aria-label={t('reports.filter')} style={{ rowGap: 8 }}>
      <Form.Item label={t('app.region')}>
        <Input.Search
          allowClear
          aria-label={t('app.region')}
          placeholder={claims?.region ?? ''}
          defaultValue={props.region}
          maxLength={6}
          inputMode="numeric"
          style={{ width: 180 }}
          onSearch={(value) =>
            props.onChange({ region: props.regionPattern.test(value) ? value : undefined })
          }
        />
      </Form.Item>
      <Form.Item label={t('reports.period')}>
        <DatePicker.RangePicker
          picker={props.picker}
          allowClear={false}
          aria-label={t('reports.period')}
          value={[dayjs(props.from), dayjs(props.to)]}
          onChange={(range) =>
            range?.[0] &&
            range[1] &&
            props.onChange({ from: range[0].format(format), to: range[1].format(format) })
          }
        />
      </Form.Item>
      {props.children}
    </Form>
  );
}
