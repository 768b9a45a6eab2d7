import { Button, Empty, Flex, Table, type TableProps } from 'antd';
import { useI18n } from '../i18n/i18n';
import type { useCursorPages } from './cursor-pages';
import { ProblemAlert } from './ProblemAlert';

/** A table over a cursor-paged list: loading and empty states, the error, and "load more". */
export function CursorTable<T extends object>(props: {
  readonly pages: ReturnType<typeof useCursorPages<T>>;
  readonly columns: TableProps<T>['columns'];
  readonly rowKey: keyof T & string;
  readonly label: string;
  /** The rows to show when the screen narrows the pages read so far further (default: all of them). */
  readonly rows?: readonly T[];
}) {
  const { t } = useI18n();
  const { pages } = props;
  return (
    <Flex vertical gap="middle">
      <ProblemAlert error={pages.error} />
      {/* A narrow screen (a tablet) scrolls a wide table sideways instead of squeezing it. */}
      <div style={{ overflowX: 'auto' }}>
        <Table<T>
          aria-label={props.label}
          size="middle"
          rowKey={props.rowKey}
          columns={props.columns}
          dataSource={(props.rows ?? pages.items) as T[]}
          loading={pages.isLoading}
          pagination={false}
          locale={{ emptyText: <Empty description={t('app.empty')} /> }}
        />
      </div>
      {pages.hasNextPage && (
        <Button
          onClick={() => pages.fetchNextPage()}
          loading={pages.isFetchingNextPage}
          style={{ alignSelf: 'center' }}
        >
          {t('app.loadMore')}
        </Button>
      )}
    </Flex>
  );
}
