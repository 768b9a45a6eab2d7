import { useQuery } from '@tanstack/react-query';
import { Button, Empty, Flex, Form, Input, Table, Tabs, Typography } from 'antd';
import { useState } from 'react';
import { Link, useLocation } from 'react-router';
import { unwrap } from '../api/problem';
import type { Person } from '../api/types';
import { useApi } from '../api/use-api';
import { useI18n } from '../i18n/i18n';
import { ProblemAlert } from '../shared/ProblemAlert';
import { type PersonQuery, personQuery } from './person-search';

/**
 * Person search: an exact resident ID, or name and birth date. The resident ID stays in
 * this page's memory: never in the address, so never in history or a server log.
 */
export default function PersonSearch() {
  const { t } = useI18n();
  const api = useApi();
  const location = useLocation();
  const arrived = personQuery((location.state as { name?: string; birthDate?: string } | null) ?? {});
  const [mode, setMode] = useState<'residentId' | 'nameAndDate'>(arrived ? 'nameAndDate' : 'residentId');
  const [search, setSearch] = useState<PersonQuery | undefined>(arrived);
  const query = useQuery({
    queryKey: ['persons', search],
    enabled: search !== undefined,
    queryFn: async () => unwrap(await api.GET('/v1/persons', { params: { query: search ?? {} } })),
  });
  const submit = (values: { residentId?: string; name?: string; birthDate?: string }) =>
    setSearch(personQuery(values));
  return (
    <Flex vertical gap="middle" style={{ maxWidth: 960 }}>
      <Typography.Title level={3}>{t('person.searchTitle')}</Typography.Title>
      <Tabs
        activeKey={mode}
        onChange={(key) => setMode(key as typeof mode)}
        items={[
          {
            key: 'residentId',
            label: t('person.byResidentId'),
            children: (
              <Form layout="inline" onFinish={submit}>
                <Form.Item
                  name="residentId"
                  label={t('person.residentId')}
                  rules={[
                    { required: true, pattern: /^\d{17}[\dXx]$/, message: t('person.residentIdInvalid') },
                  ]}
                >
                  <Input autoComplete="off" maxLength={18} style={{ width: 240 }} />
                </Form.Item>
                <Button type="primary" htmlType="submit">
                  {t('person.search')}
                </Button>
              </Form>
            ),
          },
          {
            key: 'nameAndDate',
            label: t('person.byNameAndDate'),
            children: (
              <Form
                layout="inline"
                onFinish={submit}
                initialValues={arrived && 'name' in arrived ? arrived : undefined}
              >
                <Form.Item name="name" label={t('person.name')} rules={[{ required: true }]}>
                  <Input autoComplete="off" />
                </Form.Item>
                <Form.Item
                  name="birthDate"
                  label={t('person.birthDate')}
                  rules={[{ required: true, pattern: /^\d{4}-\d{2}-\d{2}$/ }]}
                >
                  <Input placeholder="YYYY-MM-DD" style={{ width: 140 }} />
                </Form.Item>
                <Button type="primary" htmlType="submit">
                  {t('person.search')}
                </Button>
              </Form>
            ),
          },
        ]}
      />
      <ProblemAlert error={query.error} />
      {search && (
        <Table<Person>
          aria-label={t('person.searchTitle')}
          rowKey="personId"
          loading={query.isFetching}
          dataSource={query.data?.items ?? []}
          pagination={false}
          locale={{ emptyText: <Empty description={t('app.empty')} /> }}
          columns={[
            {
              title: t('person.name'),
              key: 'name',
              render: (_, p) => <Link to={`/persons/${p.personId}`}>{p.name}</Link>,
            },
            { title: t('person.residentId'), dataIndex: 'residentIdMasked' },
            {
              title: t('person.sex'),
              key: 'sex',
              render: (_, p) => t(p.sex === 'male' ? 'person.male' : 'person.female'),
            },
            { title: t('person.birthDate'), dataIndex: 'birthDate' },
            { title: t('person.hukouRegion'), dataIndex: 'hukouRegion' },
            { title: t('person.residenceRegion'), dataIndex: 'residenceRegion' },
          ]}
        />
      )}
    </Flex>
  );
}
