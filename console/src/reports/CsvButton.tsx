import { DownloadOutlined } from '@ant-design/icons';
import { Button } from 'antd';
import { useI18n } from '../i18n/i18n';
import { type CsvCell, csvText } from './csv';

/** Saves `text` as a file named `fileName`, from the browser, without a round trip to the API. */
function saveFile(fileName: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/** Downloads the table shown as a CSV file (UTF-8 with a BOM, so Excel reads the Chinese). */
export function CsvButton(props: {
  readonly fileName: string;
  readonly header: readonly string[];
  readonly rows: readonly (readonly CsvCell[])[];
  readonly disabled?: boolean;
}) {
  const { t } = useI18n();
  return (
    <Button
      icon={<DownloadOutlined />}
      disabled={props.disabled}
      onClick={() => saveFile(props.fileName, csvText(props.header, props.rows))}
    >
      {t('reports.csv')}
    </Button>
  );
}
