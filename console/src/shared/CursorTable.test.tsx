import { fireEvent, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { fakeToken, renderSignedIn } from '../test-support';
import { CursorTable } from './CursorTable';
import { type Page, useCursorPages } from './cursor-pages';

interface Row {
  id: string;
}

function List({ fetchPage }: { fetchPage: (cursor: string | undefined) => Promise<Page<Row>> }) {
  const pages = useCursorPages<Row>(['rows'], fetchPage);
  return (
    <CursorTable<Row> label="rows" pages={pages} rowKey="id" columns={[{ title: 'id', dataIndex: 'id' }]} />
  );
}

const token = fakeToken({ sub: 'registrar-1', roles: ['registrar'], region: '330106' });

describe('a cursor-paged list', () => {
  it("asks for the next page with the last page's cursor until there is none", async () => {
    const asked: Array<string | undefined> = [];
    const fetchPage = async (cursor: string | undefined) => {
      asked.push(cursor);
      return cursor === undefined
        ? { items: [{ id: 'r1' }, { id: 'r2' }], nextCursor: 'c-2' }
        : { items: [{ id: 'r3' }] };
    };
    renderSignedIn(<List fetchPage={fetchPage} />, { token });
    await screen.findByText('r2');
    fireEvent.click(screen.getByRole('button', { name: '加载更多' }));
    await screen.findByText('r3');
    expect(asked).toEqual([undefined, 'c-2']);
    expect(screen.getByText('r1')).toBeTruthy();
    expect(screen.queryByRole('button', { name: '加载更多' })).toBeNull();
  });

  it('says so when the list is empty, and shows the problem when it fails', async () => {
    renderSignedIn(<List fetchPage={async () => ({ items: [] })} />, { token });
    await screen.findAllByText('暂无数据');
    const failing = async (): Promise<Page<Row>> => {
      throw Object.assign(new Error('访问被拒绝'), { status: 403 });
    };
    renderSignedIn(<List fetchPage={failing} />, { token });
    await waitFor(() => expect(screen.getByRole('alert').textContent).toContain('访问被拒绝'));
  });
});
