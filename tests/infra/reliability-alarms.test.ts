import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manifests } from '../../functions/manifests';
import { backlogAgeThresholdSeconds } from '../../infra/constructs/work-queue';
import { resourcesOf, type Synthesized, synthesize } from './support';

/**
 * What docs/reliability.md promises an operator sees: a message that neither gets handled
 * nor reaches its DLQ still pages someone, through the age of the queue's oldest message.
 */
describe('backlog alarms (province 51)', () => {
  let synth: Synthesized;
  beforeAll(() => {
    synth = synthesize('51');
  }, 120_000);
  afterAll(() => synth?.cleanup());

  it('alarms on the age of the oldest message of every manifest queue', () => {
    const queues = new Map(
      resourcesOf(synth, 'AWS::SQS::Queue').map(([id, q]) => [q.Properties.QueueName, id.split('/')[1]]),
    );
    const alarms = resourcesOf(synth, 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
    for (const spec of manifests.flatMap((m) => m.queues)) {
      const logicalId = queues.get(`jiahe-p51-${spec.name}`);
      expect(logicalId, spec.name).toBeDefined();
      const alarm = alarms.find(
        (a) =>
          a.MetricName === 'ApproximateAgeOfOldestMessage' &&
          JSON.stringify(a.Dimensions).includes(`"${logicalId}"`),
      );
      expect(alarm, `${spec.name} backlog alarm`).toBeDefined();
      expect(alarm?.Threshold).toBe(backlogAgeThresholdSeconds(spec));
      expect(alarm?.ComparisonOperator).toBe('GreaterThanThreshold');
    }
  });
});
