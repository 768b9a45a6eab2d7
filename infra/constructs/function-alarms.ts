import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import type { FunctionSpec } from '../../shared/manifest';
import { pascal } from './names';

/**
 * The alarms a manifest function asks for on its own metrics. Powertools publishes them in
 * the `jiahe` namespace with the function name as the `service` dimension.
 */
export class FunctionAlarms extends Construct {
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, spec: FunctionSpec, province: string) {
    super(scope, id);
    for (const alarm of spec.alarms ?? []) {
      this.alarms.push(
        new Alarm(this, pascal(alarm.metric), {
          alarmName: `p${province}-${spec.name}-${alarm.metric}`,
          alarmDescription: alarm.description,
          metric: new Metric({
            namespace: 'jiahe',
            metricName: alarm.metric,
            dimensionsMap: { service: spec.name },
            statistic: 'Sum',
            period: Duration.minutes(5),
          }),
          threshold: alarm.threshold,
          evaluationPeriods: 1,
          comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
      );
    }
  }
}
