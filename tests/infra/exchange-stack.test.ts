import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resourcesOf, type Synthesized, synthesize } from './support';

describe('exchange resources in the cloud', () => {
  let synth: Synthesized;
  beforeAll(() => {
    synth = synthesize('33');
  });
  afterAll(() => synth?.cleanup());

  it('creates the signing key secret with a placeholder for the operator, never a generated password', () => {
    const secrets = resourcesOf(synth, 'AWS::SecretsManager::Secret').filter(([, r]) =>
      String(r.Properties.Name).includes('exchange-signing-keys'),
    );
    expect(secrets).toHaveLength(1);
    const [, secret] = secrets[0] ?? [];
    expect(secret?.Properties.GenerateSecretString).toBeUndefined();
    expect(secret?.Properties.SecretString).toBe('{"keys":[]}');
    expect(secret?.Properties.KmsKeyId).toBeDefined();
  });

  it('serves the inbox, JWKS and schemas without the JWT authorizer, and the operations API with it', () => {
    const routes = resourcesOf(synth, 'AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties);
    const auth = (key: string) => routes.find((r) => r.RouteKey === key)?.AuthorizationType;
    expect(auth('POST /exchange/v1/inbox')).toBe('NONE');
    expect(auth('POST /exchange/v2/inbox')).toBe('NONE');
    expect(auth('GET /.well-known/jwks.json')).toBe('NONE');
    expect(auth('GET /exchange/v1/schemas')).toBe('NONE');
    expect(auth('POST /v1/exchange/replay')).toBe('JWT');
  });

  it('feeds the router only the stream records it acts on, several batches of a shard at once', () => {
    const mappings = resourcesOf(synth, 'AWS::Lambda::EventSourceMapping')
      .map(([, r]) => r.Properties)
      .filter((p) => p.FilterCriteria);
    expect(mappings).toHaveLength(1);
    const [router] = mappings;
    expect(router?.ParallelizationFactor).toBe(4);
    const criteria = router?.FilterCriteria as { Filters: { Pattern: string }[] };
    const patterns = criteria.Filters.map((f) => JSON.parse(f.Pattern));
    expect(patterns).toContainEqual({
      eventName: ['INSERT'],
      dynamodb: { NewImage: { entity: { S: ['InboundMessage'] } } },
    });
  });

  it('alarms on failed deliveries, paused partners and reused ids', () => {
    const alarms = resourcesOf(synth, 'AWS::CloudWatch::Alarm').map(([, r]) => r.Properties);
    for (const [metric, service] of [
      ['DeliveryFailed', 'exchange-sender'],
      ['PartnerPaused', 'exchange-sender'],
      ['InboxIdConflict', 'exchange-inbox'],
    ]) {
      const alarm = alarms.find((a) => a.MetricName === metric);
      expect(alarm, metric).toBeDefined();
      expect(alarm?.Namespace).toBe('jiahe');
      expect(alarm?.Dimensions).toEqual([{ Name: 'service', Value: service }]);
    }
  });

  it('runs the sweeper every minute', () => {
    const schedules = resourcesOf(synth, 'AWS::Scheduler::Schedule').map(([, r]) => r.Properties);
    expect(schedules.some((s) => s.ScheduleExpression === 'rate(1 minute)')).toBe(true);
  });
});
