import { beforeAll, describe, expect, it } from 'vitest';
import { loadBeneficiaryFacts, loadBeneficiaryFactsMany } from '../../functions/payout/domain/beneficiary';
import { newUlid } from '../../shared/domain/ids';
import { provisionForTest } from '../support/local-aws';
import {
  accountFor,
  activeEnrollment,
  payoutRepos,
  ruralParent,
  twoDaughterHousehold,
} from '../support/payout-fixtures';

/**
 * Planning and the payment file read facts and enrolments in bulk (BatchGetItem, more than
 * one request's worth); they must give exactly what reading one at a time gives.
 */
describe('payout bulk reads', () => {
  let repos: ReturnType<typeof payoutRepos>;
  /** The DynamoDB operations sent, by name, while `counting` is on. */
  const sent: string[] = [];
  let counting = false;
  const people: string[] = [];
  const enrollmentIds: string[] = [];

  beforeAll(async () => {
    const { aws, resources } = await provisionForTest('32');
    repos = payoutRepos(aws, resources.tables.payout);
    aws.dynamodb.middlewareStack.add(
      (next, context) => async (args) => {
        if (counting) sent.push(String(context.commandName));
        return next(args);
      },
      { step: 'initialize', name: 'countOperations' },
    );
    // 130 parents of two daughters, more than one BatchGetItem request holds.
    for (let i = 0; i < 130; i++) {
      const personId = newUlid();
      people.push(personId);
      await repos.projection.saveIfNewer(ruralParent(personId, { birthDate: `19${50 + (i % 10)}-03-01` }));
      await repos.projection.saveHouseholdIfNewer(twoDaughterHousehold(personId));
      const e = await activeEnrollment({
        personId,
        scheme: 'rural-reward',
        fromPeriod: '2026-01',
        account: accountFor(i),
      });
      await repos.enrollments.create(e);
      enrollmentIds.push(e.enrollmentId);
    }
    // An only-child family with a certificate (one revoked), the child's record known.
    const father = newUlid();
    const child = newUlid();
    const householdId = newUlid();
    await repos.projection.saveIfNewer(ruralParent(father, { sex: 'male' }));
    await repos.projection.saveIfNewer(ruralParent(child, { birthDate: '1990-06-01' }));
    await repos.projection.saveHouseholdIfNewer({
      householdId,
      version: 2,
      familyType: 'only-child',
      members: [
        { role: 'father', personId: father, alive: true },
        { role: 'child', personId: child, alive: true },
      ],
      sourceEventId: newUlid(),
    });
    await repos.projection.recordCertificate({
      certificateId: newUlid(),
      householdId,
      kind: 'only-child-certificate',
      revoked: false,
    });
    await repos.projection.recordCertificate({
      certificateId: newUlid(),
      householdId,
      kind: 'special-assistance-certificate',
      revoked: true,
    });
    // A parent without a household, and a person payout knows nothing of.
    const alone = newUlid();
    await repos.projection.saveIfNewer(ruralParent(alone));
    people.push(father, alone, newUlid());
  });

  it('reads the same beneficiary facts in bulk as one at a time', async () => {
    const many = await loadBeneficiaryFactsMany(repos.projection, people);
    for (const personId of people) {
      expect(many.get(personId)).toEqual(await loadBeneficiaryFacts(repos.projection, personId));
    }
    expect(many.size).toBe(people.length - 1);
    const father = many.get(people[130] as string);
    expect(father?.certificates).toEqual(['only-child-certificate']);
    expect(father?.familyType).toBe('only-child');
    expect(father?.childBirthDate).toBe('1990-06-01');
  });

  it('reads planning facts by key only: a handful of BatchGetItem requests for 133 persons, no query per person', async () => {
    sent.length = 0;
    counting = true;
    const many = await loadBeneficiaryFactsMany(repos.projection, people);
    counting = false;
    expect(many.size).toBe(people.length - 1);
    expect(new Set(sent)).toEqual(new Set(['BatchGetItemCommand']));
    // Over 100 keys each, two requests for persons, memberships, households (131) and their
    // certificates; one for the only child.
    expect(sent.length).toBe(9);
  });

  it('reads the same enrolments in bulk as one at a time, a missing id absent', async () => {
    const ids = [...enrollmentIds, newUlid()];
    const many = await repos.enrollments.findMany(ids);
    expect(many.size).toBe(enrollmentIds.length);
    for (const id of enrollmentIds) expect(many.get(id)).toEqual(await repos.enrollments.find(id));
  });
});
