import { Stack, TimeZone } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';

import { Construct } from 'constructs';
import type { ScheduleSpec } from '../../shared/manifest';
import { acknowledge, wildcardResourceFinding } from './nag';
import { pascal } from './names';

/**
 * EventBridge Scheduler schedules that invoke a function with the manifest payload, in the
 * manifest's time zone (monthly and annual payout runs follow Beijing time, not UTC).
 */
export class FunctionSchedules extends Construct {
  constructor(scope: Construct, id: string, fn: IFunction, schedules: readonly ScheduleSpec[]) {
    super(scope, id);
    const stack = Stack.of(this);
    // One role for this function's schedules, trusted only by Scheduler in this account
    // and default schedule group (the confused-deputy conditions CDK's own role would carry).
    const role = new Role(this, 'InvokeRole', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: {
            'aws:SourceAccount': stack.account,
            'aws:SourceArn': stack.formatArn({
              service: 'scheduler',
              resource: 'schedule-group',
              resourceName: 'default',
            }),
          },
        },
      }),
      description: `Lets EventBridge Scheduler invoke ${fn.node.path}`,
    });
    for (const spec of schedules) {
      new Schedule(this, pascal(spec.name), {
        description: `${spec.name}: ${spec.expression} (${spec.timezone})`,
        schedule: ScheduleExpression.expression(spec.expression, TimeZone.of(spec.timezone)),
        target: new LambdaInvoke(fn, { role, input: ScheduleTargetInput.fromObject(spec.payload) }),
      });
    }
    acknowledge(
      role,
      wildcardResourceFinding(this, `${fn.functionArn}:*`),
      'grantInvoke adds the function ARN with ":*" so every version and alias of this one function ' +
        'may be invoked; it reaches no other function.',
    );
  }
}
