import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ACTION_TYPES,
  type Actor,
  type AuditFinding,
  applyRegistrationAction,
  type BirthDetails,
  type BirthRegistration,
  type CommandType,
  currentDetails,
  deriveStatus,
  isPotentialDuplicate,
  proposedDetails,
  REGISTRATION_NUMBER_PATTERN,
  REGISTRATION_STATUSES,
  type RegistrationAction,
  type RegistrationCommand,
  type RegistrationStatus,
  registrationNumberFor,
  type SubmitRegistrationInput,
  submitRegistration,
} from '../../functions/registry/domain/birth-registration';
import { checkDetails } from '../../functions/registry/domain/birth-registration/fields';
import { fixedClock } from '../../shared/domain/clock';
import { AccessDeniedError, ConflictError, DomainError } from '../../shared/domain/errors';
import { residentIdFor } from '../support/resident-ids';
import { issuesOf } from '../support/validation';

const NOW = '2026-06-01T02:00:00.000Z';
const clock = fixedClock(NOW);

const MOTHER_ID = residentIdFor('330106', '1995-03-08', '002');
const FATHER_ID = residentIdFor('510104', '1993-07-21', '011');
/** Region 330106, born 1990-01-01, sequence 123: its check character is X. */
const ID_WITH_X = residentIdFor('330106', '19900101', '123');
const CHILD_ID = residentIdFor('330106', '2026-05-20', '124');

const citizen: Actor = { subject: 'citizen-1', role: 'citizen' };
const registrarA: Actor = { subject: 'registrar-a', role: 'registrar' };
const registrarB: Actor = { subject: 'registrar-b', role: 'registrar' };

const details = (overrides: Partial<BirthDetails> = {}): BirthDetails => ({
  child: { sex: 'female', birthDate: '2026-05-20', birthRegion: '330106' },
  mother: { name: '王芳', residentId: MOTHER_ID, birthDate: '1995-03-08', hukouRegion: '510104' },
  father: { name: '李强', residentId: FATHER_ID, birthDate: '1993-07-21', hukouRegion: '510104' },
  residenceRegion: '330108',
  birthOrder: 1,
  ...overrides,
});

const ids = () => {
  let n = 0;
  return () => `act-${++n}`;
};

const warning: AuditFinding = { code: 'mother-age-unusual', severity: 'warning', field: 'mother.birthDate' };
const blocking: AuditFinding = { code: 'date-impossible', severity: 'error', field: 'child.birthDate' };

const submit = (overrides: Partial<SubmitRegistrationInput> = {}, newId = ids()): BirthRegistration =>
  submitRegistration(
    {
      registrationId: 'reg-1',
      details: details(),
      submittedBy: citizen.subject,
      role: citizen.role,
      channel: 'app',
      findings: [],
      ...overrides,
    },
    clock,
    newId,
  );

/** Applies commands in order, each by its own actor. */
const apply = (
  registration: BirthRegistration,
  ...steps: [RegistrationCommand, Actor][]
): BirthRegistration =>
  steps.reduce(
    (current, [command, actor]) => applyRegistrationAction(current, command, actor, clock, ids()),
    registration,
  );

const validate: RegistrationCommand = { type: 'validate', findings: [] };
const register: RegistrationCommand = {
  type: 'register',
  registrationNumber: '330106-2026-000123',
  findings: [],
};
const requestName: RegistrationCommand = {
  type: 'request-correction',
  reason: '出生医学证明上的姓名',
  changes: { 'child.name': '李小雨' },
};
const approve: RegistrationCommand = { type: 'approve-correction' };
const reject: RegistrationCommand = { type: 'reject-correction', reason: '与出生医学证明不符' };
const dismiss: RegistrationCommand = { type: 'dismiss-duplicate', reason: '双胞胎，不是重复登记' };

const registered = () => apply(submit(), [validate, registrarA], [register, registrarA]);

describe('submitRegistration', () => {
  it('opens the history with one submitted action: version 1, status submitted', () => {
    const registration = submit({ findings: [warning] });
    expect(registration).toEqual({
      registrationId: 'reg-1',
      details: details(),
      actions: [
        {
          actionId: 'act-1',
          type: 'submitted',
          by: 'citizen-1',
          role: 'citizen',
          at: NOW,
          findings: [warning],
        },
      ],
      version: 1,
      submittedBy: 'citizen-1',
      channel: 'app',
      regionScope: ['330106', '330108', '510104'],
    });
    expect(deriveStatus(registration.actions)).toBe('submitted');
  });

  it('normalises resident IDs and names as it stores them', () => {
    const registration = submit({
      details: details({
        child: { name: ' 李小雨 ', sex: 'male', birthDate: '2026-05-20', birthRegion: '330106' },
        mother: {
          name: '王芳',
          residentId: ID_WITH_X.toLowerCase(),
          birthDate: '1990-01-01',
          hukouRegion: '330106',
        },
      }),
    });
    expect(registration.details.child.name).toBe('李小雨');
    expect(registration.details.mother.residentId).toBe(ID_WITH_X);
    expect(registration.regionScope).toEqual(['330106', '330108']);
  });

  it('leaves name characters and plausibility to the logic audit', () => {
    const registration = submit({
      details: details({
        child: { name: '王〇', sex: 'female', birthDate: '2026-05-20', birthRegion: '330106' },
        birthOrder: 12,
      }),
    });
    expect(registration.details.child.name).toBe('王〇');
  });

  it('accepts a registration before the birth: no name, no resident ID, no father', () => {
    const { father: _, ...withoutFather } = details();
    const registration = submit({ details: withoutFather });
    expect(registration.details.father).toBeUndefined();
    expect(registration.details.child.name).toBeUndefined();
  });

  it('flags a potential duplicate at once, naming the other registration', () => {
    const registration = submit({ duplicateOf: 'reg-0' });
    expect(registration.version).toBe(2);
    expect(registration.actions.map((a) => a.type)).toEqual(['submitted', 'flagged-duplicate']);
    expect(registration.actions[1]).toMatchObject({
      by: 'system',
      duplicateOf: 'reg-0',
      reason: expect.stringContaining('reg-0'),
    });
    expect(deriveStatus(registration.actions)).toBe('flagged-duplicate');
  });

  it('refuses blocking audit findings, listing each as body.<field>; warnings pass', () => {
    const other: AuditFinding = { code: 'region-unknown', severity: 'error', field: 'residenceRegion' };
    expect(issuesOf(() => submit({ findings: [blocking, warning, other] }))).toEqual([
      { field: 'body.child.birthDate', message: expect.stringContaining('date-impossible') },
      { field: 'body.residenceRegion', message: expect.stringContaining('region-unknown') },
    ]);
  });

  it('refuses malformed details with every bad field', () => {
    const bad = {
      ...details(),
      child: { sex: 'unknown', birthDate: '2026-02-30', birthRegion: '33010' },
      mother: { ...details().mother, residentId: `${MOTHER_ID.slice(0, 17)}0`, name: '   ' },
      birthOrder: 0,
    } as unknown as BirthDetails;
    expect(
      issuesOf(() => submit({ details: bad }))
        .map((i) => i.field)
        .sort(),
    ).toEqual([
      'body.birthOrder',
      'body.child.birthDate',
      'body.child.birthRegion',
      'body.child.sex',
      'body.mother.name',
      'body.mother.residentId',
    ]);
  });
});

describe('the lifecycle', () => {
  it('runs submit → flag → dismiss → validate → register → correct → approve → correct → reject', () => {
    const steps: [RegistrationCommand, Actor, RegistrationStatus][] = [
      [dismiss, registrarA, 'submitted'],
      [{ type: 'validate', findings: [warning] }, registrarA, 'validated'],
      [register, registrarB, 'registered'],
      [requestName, registrarA, 'correction-requested'],
      [approve, registrarB, 'registered'],
      [
        { type: 'request-correction', reason: '户籍迁移登记有误', changes: { residenceRegion: '330106' } },
        registrarB,
        'correction-requested',
      ],
      [reject, registrarA, 'registered'],
    ];
    let registration = submit({ duplicateOf: 'reg-0' });
    for (const [command, actor, status] of steps) {
      const before = registration;
      registration = applyRegistrationAction(registration, command, actor, clock, ids());
      expect(deriveStatus(registration.actions)).toBe(status);
      expect(registration.version).toBe(before.version + 1);
      expect(registration.actions.slice(0, -1)).toEqual(before.actions);
      expect(registration.actions.at(-1)).toMatchObject({ by: actor.subject, role: actor.role, at: NOW });
    }
    expect(registration.actions.map((a) => a.type)).toEqual([
      'submitted',
      'flagged-duplicate',
      'duplicate-dismissed',
      'validated',
      'registered',
      'correction-requested',
      'correction-approved',
      'correction-requested',
      'correction-rejected',
    ]);
    expect(registration.version).toBe(9);
    expect(registration.actions[2]?.reason).toBe('双胞胎，不是重复登记');
    expect(registration.actions[3]?.findings).toEqual([warning]);
    expect(registration.actions[4]?.registrationNumber).toBe('330106-2026-000123');
    expect(currentDetails(registration)).toEqual({
      ...details(),
      child: { ...details().child, name: '李小雨' },
    });
  });

  it('never modifies the registration it is given', () => {
    const before = registered();
    const snapshot = structuredClone(before);
    apply(before, [requestName, registrarA]);
    expect(before).toEqual(snapshot);
  });
});

/** A registration in each status, reached through legal commands only. */
const inStatus: Record<RegistrationStatus, () => BirthRegistration> = {
  submitted: () => submit(),
  'flagged-duplicate': () => submit({ duplicateOf: 'reg-0' }),
  validated: () => apply(submit(), [validate, registrarA]),
  registered,
  'correction-requested': () => apply(registered(), [requestName, registrarA]),
};

/**
 * One well-formed command of each type, applied by someone who did not request anything.
 * `record-birth` depends on the details (an expected birth), not only on the status: it has
 * its own tests in expected-birth.test.ts.
 */
type StatusCommand = Exclude<CommandType, 'record-birth'>;
const commandOf: Record<StatusCommand, RegistrationCommand> = {
  validate,
  register,
  'request-correction': requestName,
  'approve-correction': approve,
  'reject-correction': reject,
  'dismiss-duplicate': dismiss,
};

/** Written out independently of the implementation's table. */
const LEGAL: Record<RegistrationStatus, StatusCommand[]> = {
  submitted: ['validate'],
  'flagged-duplicate': ['dismiss-duplicate'],
  validated: ['register'],
  registered: ['request-correction'],
  'correction-requested': ['approve-correction', 'reject-correction'],
};

describe('state rules', () => {
  const cases = REGISTRATION_STATUSES.flatMap((status) =>
    (Object.keys(commandOf) as StatusCommand[]).map((command) => ({ status, command })),
  );

  it.each(cases.filter(({ status, command }) => !LEGAL[status].includes(command)))(
    '$command from $status is a ConflictError naming both',
    ({ status, command }) => {
      const registration = inStatus[status]();
      expect(deriveStatus(registration.actions)).toBe(status);
      const attempt = () =>
        applyRegistrationAction(registration, commandOf[command], registrarB, clock, ids());
      expect(attempt).toThrow(ConflictError);
      expect(attempt).toThrow(status);
      expect(attempt).toThrow(command);
    },
  );

  it.each(cases.filter(({ status, command }) => LEGAL[status].includes(command)))(
    '$command from $status is allowed',
    ({ status, command }) => {
      const next = applyRegistrationAction(inStatus[status](), commandOf[command], registrarB, clock, ids());
      expect(REGISTRATION_STATUSES).toContain(deriveStatus(next.actions));
    },
  );

  it('refuses a history that does not follow the lifecycle', () => {
    const action = (type: RegistrationAction['type']): RegistrationAction => ({
      actionId: type,
      type,
      by: 'x',
      role: 'registrar',
      at: NOW,
    });
    expect(() => deriveStatus([])).toThrow('open with a submitted action');
    expect(() => deriveStatus([action('validated')])).toThrow('open with a submitted action');
    expect(() => deriveStatus([action('submitted'), action('registered')])).toThrow('cannot follow');
    expect(() => deriveStatus([action('submitted'), action('submitted')])).toThrow('cannot follow');
  });
});

describe('four eyes and reasons', () => {
  it('the requester of a correction cannot approve it; anyone else can', () => {
    const requested = apply(registered(), [requestName, registrarA]);
    expect(() => apply(requested, [approve, registrarA])).toThrow(AccessDeniedError);
    expect(() => apply(requested, [approve, { ...registrarA, role: 'auditor' }])).toThrow(/four eyes/i);
    const approved = apply(requested, [{ type: 'approve-correction', reason: '核对无误' }, registrarB]);
    expect(approved.actions.at(-1)).toMatchObject({ type: 'correction-approved', reason: '核对无误' });
  });

  it('the requester may reject (withdraw) their own request: nothing changes', () => {
    const withdrawn = apply(registered(), [requestName, registrarA], [reject, registrarA]);
    expect(deriveStatus(withdrawn.actions)).toBe('registered');
    expect(currentDetails(withdrawn)).toEqual(details());
  });

  it.each([
    ['request-correction', (reason: string) => ({ ...requestName, reason }), registered],
    [
      'reject-correction',
      (reason: string) => ({ type: 'reject-correction', reason }),
      inStatus['correction-requested'],
    ],
    [
      'dismiss-duplicate',
      (reason: string) => ({ type: 'dismiss-duplicate', reason }),
      inStatus['flagged-duplicate'],
    ],
  ] as const)('%s needs a reason of 1 to 500 characters', (_, command, start) => {
    const attempt = (reason: string) => () =>
      apply(start(), [command(reason) as RegistrationCommand, registrarB]);
    for (const reason of ['', '   ', '字'.repeat(501)]) {
      expect(issuesOf(attempt(reason)).map((i) => i.field)).toContain('body.reason');
    }
    // 500 Chinese characters are 500 characters, whatever their encoded length.
    expect(
      apply(start(), [command(` ${'字'.repeat(500)} `) as RegistrationCommand, registrarB]).actions.at(-1)
        ?.reason,
    ).toBe('字'.repeat(500));
  });

  it('an approval reason is optional; a blank one is not recorded', () => {
    const approved = apply(inStatus['correction-requested'](), [
      { type: 'approve-correction', reason: '  ' },
      registrarB,
    ]);
    expect(approved.actions.at(-1)).not.toHaveProperty('reason');
  });
});

describe('corrections', () => {
  it('record from and to, keep the submitted details, and apply only once approved', () => {
    const requested = apply(registered(), [
      {
        type: 'request-correction',
        reason: '出生医学证明',
        changes: {
          'child.name': '李小雨',
          'child.sex': 'male',
          'mother.residentId': ID_WITH_X.toLowerCase(),
        },
      },
      registrarA,
    ]);
    expect(requested.actions.at(-1)?.changes).toEqual({
      'child.name': { from: null, to: '李小雨' },
      'child.sex': { from: 'female', to: 'male' },
      'mother.residentId': { from: MOTHER_ID, to: ID_WITH_X },
    });
    expect(currentDetails(requested)).toEqual(details());

    const approved = apply(requested, [approve, registrarB]);
    expect(approved.details).toEqual(details());
    expect(approved.actions.at(-1)?.changes).toEqual(requested.actions.at(-1)?.changes);
    expect(currentDetails(approved)).toEqual({
      ...details(),
      child: { ...details().child, name: '李小雨', sex: 'male' },
      mother: { ...details().mother, residentId: ID_WITH_X },
    });
  });

  it('never apply rejected corrections', () => {
    const rejected = apply(registered(), [requestName, registrarA], [reject, registrarB]);
    expect(currentDetails(rejected)).toEqual(details());
    expect(rejected.actions.at(-2)?.changes).toEqual({ 'child.name': { from: null, to: '李小雨' } });
  });

  it('apply approved corrections in order; a later one starts from the earlier result', () => {
    const correct = (name: string): [RegistrationCommand, Actor] => [
      { type: 'request-correction', reason: '更正', changes: { 'child.name': name } },
      registrarA,
    ];
    const twice = apply(registered(), correct('李小雨'), [approve, registrarB], correct('李晓雨'), [
      approve,
      registrarB,
    ]);
    expect(twice.actions.at(-2)?.changes).toEqual({ 'child.name': { from: '李小雨', to: '李晓雨' } });
    expect(currentDetails(twice).child.name).toBe('李晓雨');
    const cleared = apply(twice, [
      { type: 'request-correction', reason: '姓名未定', changes: { 'child.name': null } },
      registrarA,
    ]);
    expect(cleared.actions.at(-1)?.changes).toEqual({ 'child.name': { from: '李晓雨', to: null } });
    expect(currentDetails(apply(cleared, [approve, registrarB])).child).not.toHaveProperty('name');
  });

  it('move the region scope with an approved residence correction', () => {
    const moved = apply(
      registered(),
      [
        { type: 'request-correction', reason: '现居住地有误', changes: { residenceRegion: '510107' } },
        registrarA,
      ],
      [approve, registrarB],
    );
    expect(moved.regionScope).toEqual(['330106', '510107', '510104']);
  });

  it('refuse unknown fields, invalid values, unchanged values and clearing required fields', () => {
    const issues = issuesOf(() =>
      apply(registered(), [
        {
          type: 'request-correction',
          reason: '更正',
          changes: {
            'child.hobby': 'x',
            ...JSON.parse('{"__proto__": "x"}'),
            'child.sex': 'female',
            'child.birthDate': '2026-13-01',
            'mother.name': null,
            birthOrder: 1.5,
          },
        },
        registrarA,
      ]),
    );
    expect(issues.map((i) => i.field).sort()).toEqual([
      'body.changes.__proto__',
      'body.changes.birthOrder',
      'body.changes.child.birthDate',
      'body.changes.child.hobby',
      'body.changes.child.sex',
      'body.changes.mother.name',
    ]);
    expect(issuesOf(() => apply(registered(), [{ ...requestName, changes: {} }, registrarA]))).toEqual([
      { field: 'body.changes', message: expect.any(String) },
    ]);
  });

  it('add a missing father only with all his fields at once', () => {
    const { father: _, ...withoutFather } = details();
    const start = apply(submit({ details: withoutFather }), [validate, registrarA], [register, registrarA]);
    const father = { name: '李强', residentId: FATHER_ID, birthDate: '1993-07-21', hukouRegion: '510104' };
    expect(
      issuesOf(() =>
        apply(start, [
          { type: 'request-correction', reason: '补录父亲', changes: { 'father.name': '李强' } },
          registrarA,
        ]),
      ).map((i) => i.field),
    ).toEqual([
      'body.changes.father.residentId',
      'body.changes.father.birthDate',
      'body.changes.father.hukouRegion',
    ]);
    const changes = Object.fromEntries(Object.entries(father).map(([k, v]) => [`father.${k}`, v]));
    const added = apply(
      start,
      [{ type: 'request-correction', reason: '补录父亲', changes }, registrarA],
      [approve, registrarB],
    );
    expect(currentDetails(added).father).toEqual(father);
  });

  it('refuse blocking findings on the corrected details and record the rest', () => {
    expect(
      issuesOf(() => apply(registered(), [{ ...requestName, findings: [blocking] }, registrarA])),
    ).toEqual([{ field: 'details.child.birthDate', message: expect.stringContaining('date-impossible') }]);
    const requested = apply(registered(), [{ ...requestName, findings: [warning] }, registrarA]);
    expect(requested.actions.at(-1)?.findings).toEqual([warning]);
  });
});

describe('proposedDetails', () => {
  it('shows the details a correction would produce, for the audit to check first', () => {
    const start = registered();
    expect(proposedDetails(start, { 'child.name': ' 李小雨 ', birthOrder: 2 })).toEqual({
      ...details(),
      child: { ...details().child, name: '李小雨' },
      birthOrder: 2,
    });
    expect(currentDetails(start)).toEqual(details());
    expect(issuesOf(() => proposedDetails(start, { 'child.sex': 'female' }))).toEqual([
      { field: 'body.changes.child.sex', message: 'is the same as the current value' },
    ]);
  });
});

describe('audit findings on validate and register', () => {
  it('are recorded as code, severity and field only', () => {
    const withMessage = { ...warning, message: { zh: '母亲年龄偏大', en: 'unusual age' } };
    const validated = apply(submit({ findings: [withMessage] }), [
      { type: 'validate', findings: [withMessage] },
      registrarA,
    ]);
    expect(validated.actions.map((a) => a.findings)).toEqual([[warning], [warning]]);
  });

  it('block on errors and record warnings', () => {
    expect(issuesOf(() => apply(submit(), [{ type: 'validate', findings: [blocking] }, registrarA]))).toEqual(
      [{ field: 'details.child.birthDate', message: expect.stringContaining('date-impossible') }],
    );
    const validated = apply(submit(), [validate, registrarA]);
    expect(
      issuesOf(() => apply(validated, [{ ...register, findings: [warning, blocking] }, registrarA])),
    ).toHaveLength(1);
    const done = apply(validated, [{ ...register, findings: [warning] }, registrarA]);
    expect(done.actions.at(-1)).toMatchObject({
      registrationNumber: '330106-2026-000123',
      findings: [warning],
    });
  });

  it('refuse a registration number not made by registrationNumberFor', () => {
    const validated = apply(submit(), [validate, registrarA]);
    expect(() =>
      apply(validated, [{ ...register, registrationNumber: '330106-26-123' }, registrarA]),
    ).toThrow('Malformed registration number');
  });
});

describe('registrationNumberFor', () => {
  it('pads the serial to six digits', () => {
    expect(registrationNumberFor('330106', 2026, 123)).toBe('330106-2026-000123');
    expect(registrationNumberFor('510104', 2027, 1)).toBe('510104-2027-000001');
    expect(registrationNumberFor('510104', 2027, 999_999)).toBe('510104-2027-999999');
  });

  it.each([
    ['330106', 2026, 1_000_000],
    ['330106', 2026, 0],
    ['330106', 2026, 1.5],
    ['33010', 2026, 1],
    ['330106', 26, 1],
  ])('refuses %s / %s / %s', (region, year, serial) => {
    expect(() => registrationNumberFor(region, year, serial)).toThrow(RangeError);
  });

  it('always matches the pattern and keeps its parts', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 100_000, max: 999_999 }).map(String),
        fc.integer({ min: 2000, max: 2999 }),
        fc.integer({ min: 1, max: 999_999 }),
        (region, year, serial) => {
          const number = registrationNumberFor(region, year, serial);
          expect(number).toMatch(REGISTRATION_NUMBER_PATTERN);
          const [r, y, s] = number.split('-');
          expect([r, Number(y), Number(s)]).toEqual([region, year, serial]);
        },
      ),
    );
  });
});

describe('isPotentialDuplicate', () => {
  const withChild = (child: Partial<BirthDetails['child']>, overrides: Partial<BirthDetails> = {}) =>
    details({ ...overrides, child: { ...details().child, ...child } });

  it('flags the same mother with the same child birth date', () => {
    expect(
      isPotentialDuplicate(details(), withChild({ name: '李小雨' }, { residenceRegion: '330106' })),
    ).toBe(true);
  });

  it('flags the same mother ID however its X is written', () => {
    const a = details({ mother: { ...details().mother, residentId: ID_WITH_X } });
    const b = details({ mother: { ...details().mother, residentId: ID_WITH_X.toLowerCase() } });
    expect(isPotentialDuplicate(a, b)).toBe(true);
  });

  it('does not flag another birth date or another mother', () => {
    expect(isPotentialDuplicate(details(), withChild({ birthDate: '2026-05-21' }))).toBe(false);
    expect(
      isPotentialDuplicate(details(), details({ mother: { ...details().mother, residentId: ID_WITH_X } })),
    ).toBe(false);
  });

  it('flags the same child resident ID, whatever else differs', () => {
    const idWithX = { residentId: ID_WITH_X, birthDate: '1990-01-01' };
    const other = withChild(
      { ...idWithX, residentId: ID_WITH_X.toLowerCase() },
      { mother: { ...details().mother, residentId: ID_WITH_X } },
    );
    expect(isPotentialDuplicate(withChild(idWithX), other)).toBe(true);
  });

  it('does not flag twins whose resident IDs are known and differ, but does without IDs', () => {
    const twin = residentIdFor('330106', '2026-05-20', '126');
    expect(isPotentialDuplicate(withChild({ residentId: CHILD_ID }), withChild({ residentId: twin }))).toBe(
      false,
    );
    expect(isPotentialDuplicate(withChild({ residentId: CHILD_ID }), details())).toBe(true);
  });

  it('treats an empty child resident ID as unknown', () => {
    const other = withChild({ residentId: '' }, { mother: { ...details().mother, residentId: ID_WITH_X } });
    expect(isPotentialDuplicate(withChild({ residentId: '' }), other)).toBe(false);
  });

  it('is symmetric', () => {
    const child = fc.record({
      residentId: fc.constantFrom(undefined, '', CHILD_ID, CHILD_ID.toLowerCase(), ID_WITH_X),
      birthDate: fc.constantFrom('2026-05-20', '2026-05-21'),
    });
    const mother = fc.constantFrom(MOTHER_ID, ID_WITH_X, ID_WITH_X.toLowerCase());
    const arbitraryDetails = fc
      .tuple(child, mother)
      .map(([c, m]) =>
        withChild(
          { birthDate: c.birthDate, ...(c.residentId === undefined ? {} : { residentId: c.residentId }) },
          { mother: { ...details().mother, residentId: m } },
        ),
      );
    fc.assert(
      fc.property(arbitraryDetails, arbitraryDetails, (a, b) => {
        expect(isPotentialDuplicate(a, b)).toBe(isPotentialDuplicate(b, a));
      }),
    );
  });
});

describe('any sequence of commands', () => {
  const actor = fc.constantFrom(registrarA, registrarB, citizen);
  // Mostly acceptable input, so that runs reach every status; refusals still come often.
  const reason = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom('更正', '核对出生医学证明') },
    { weight: 1, arbitrary: fc.constantFrom('', '  ', '字'.repeat(501)) },
  );
  const findings = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom<AuditFinding[]>([], [warning]) },
    { weight: 1, arbitrary: fc.constant([blocking]) },
  );
  const changes = fc.constantFrom<Record<string, unknown>>(
    { 'child.name': '李小雨' },
    { 'child.name': null },
    { 'child.sex': 'male' },
    { 'child.birthDate': '2026-05-19' },
    { 'child.birthDate': 'not a date' },
    { 'child.residentId': CHILD_ID },
    { residenceRegion: '510107' },
    { 'mother.name': null },
    { 'father.name': '李刚', birthOrder: 2 },
    { unknown: 1 },
    {},
  );
  const command: fc.Arbitrary<RegistrationCommand> = fc.oneof(
    findings.map((f) => ({ type: 'validate', findings: f }) as const),
    fc.tuple(fc.integer({ min: 1, max: 999_999 }), findings).map(
      ([serial, f]) =>
        ({
          type: 'register',
          registrationNumber: registrationNumberFor('330106', 2026, serial),
          findings: f,
        }) as const,
    ),
    fc
      .tuple(reason, changes)
      .map(([r, c]) => ({ type: 'request-correction', reason: r, changes: c }) as const),
    fc.option(reason, { nil: undefined }).map((r) => ({ type: 'approve-correction', reason: r }) as const),
    reason.map((r) => ({ type: 'reject-correction', reason: r }) as const),
    reason.map((r) => ({ type: 'dismiss-duplicate', reason: r }) as const),
  );

  it('only ever append, keep version = actions.length, and derive a known status', () => {
    // Which statuses and actions the runs reached, so the property cannot pass vacuously.
    const reached = new Set<string>();
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.array(fc.tuple(command, actor), { minLength: 5, maxLength: 40 }),
        (flagged, steps) => {
          let registration = submit(flagged ? { duplicateOf: 'reg-0' } : {});
          for (const [cmd, who] of steps) {
            const snapshot = structuredClone(registration);
            let next: BirthRegistration;
            try {
              next = applyRegistrationAction(registration, cmd, who, clock, ids());
            } catch (error) {
              // Only domain refusals are acceptable; anything else is a fault.
              expect(error).toBeInstanceOf(DomainError);
              expect(registration).toEqual(snapshot);
              continue;
            }
            expect(registration).toEqual(snapshot);
            expect(next.actions.slice(0, snapshot.actions.length)).toEqual(snapshot.actions);
            expect(next.actions).toHaveLength(snapshot.actions.length + 1);
            expect(next.version).toBe(next.actions.length);
            expect(REGISTRATION_STATUSES).toContain(deriveStatus(next.actions));
            expect(ACTION_TYPES).toContain(next.actions.at(-1)?.type);
            // Whatever was corrected, the current details stay well-formed.
            expect(checkDetails(currentDetails(next), '').issues).toEqual([]);
            reached.add(next.actions.at(-1)?.type ?? '');
            registration = next;
          }
        },
      ),
      { numRuns: 300 },
    );
    expect([...reached].sort()).toEqual(
      // birth-recorded needs an expected birth: expected-birth.test.ts covers it.
      ACTION_TYPES.filter(
        (t) => t !== 'submitted' && t !== 'flagged-duplicate' && t !== 'birth-recorded',
      ).sort(),
    );
  });
});
