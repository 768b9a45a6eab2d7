import { describe, expect, it } from 'vitest';
import {
  applyRegistrationAction,
  type BirthDetails,
  currentDetails,
  deriveStatus,
  registrationNumberFor,
  submitRegistration,
} from '../../functions/registry/domain/birth-registration';
import { fixedClock } from '../../shared/domain/clock';
import { ConflictError } from '../../shared/domain/errors';
import { residentIdFor } from '../support/resident-ids';
import { fieldsOf } from '../support/validation';

const clock = fixedClock('2026-06-01T02:00:00.000Z');
const ids = () => {
  let n = 0;
  return () => `id-${++n}`;
};
const registrar = { subject: 'registrar-1', role: 'registrar' };
const expectedDetails: BirthDetails = {
  child: { expected: true, birthDate: '2026-09-01', birthRegion: '330106' },
  mother: {
    name: '何静',
    residentId: residentIdFor('330106', '1995-05-05', '102'),
    birthDate: '1995-05-05',
    hukouRegion: '330106',
  },
  residenceRegion: '330106',
  birthOrder: 1,
};
const submit = (details: BirthDetails = expectedDetails) =>
  submitRegistration(
    {
      registrationId: 'reg-1',
      details,
      submittedBy: 'citizen-1',
      role: 'citizen',
      channel: 'app',
      findings: [],
    },
    clock,
    ids(),
  );

describe('registering a birth before it happens', () => {
  it('accepts an expected birth without sex or resident ID, and refuses either', () => {
    expect(deriveStatus(submit().actions)).toBe('submitted');
    expect(
      fieldsOf(() => submit({ ...expectedDetails, child: { ...expectedDetails.child, sex: 'male' } })),
    ).toEqual(['body.child.sex']);
    expect(
      fieldsOf(() =>
        submit({
          ...expectedDetails,
          child: { ...expectedDetails.child, residentId: residentIdFor('330106', '2026-09-01', '011') },
        }),
      ),
    ).toEqual(['body.child.residentId']);
    expect(
      fieldsOf(() =>
        submit({ ...expectedDetails, child: { birthDate: '2026-05-01', birthRegion: '330106' } }),
      ),
    ).toEqual(['body.child.sex']);
  });

  it('will not register an expected birth: the birth is recorded first, then checked again', () => {
    const validated = applyRegistrationAction(
      submit(),
      { type: 'validate', findings: [] },
      registrar,
      clock,
      ids(),
    );
    const number = registrationNumberFor('330106', 2026, 1);
    expect(() =>
      applyRegistrationAction(
        validated,
        { type: 'register', registrationNumber: number, findings: [] },
        registrar,
        clock,
        ids(),
      ),
    ).toThrow(ConflictError);
    const born = applyRegistrationAction(
      validated,
      {
        type: 'record-birth',
        child: { sex: 'female', birthDate: '2026-08-28', name: '何小雨' },
        findings: [],
      },
      registrar,
      clock,
      ids(),
    );
    expect(deriveStatus(born.actions)).toBe('submitted');
    expect(currentDetails(born).child).toEqual({
      sex: 'female',
      birthDate: '2026-08-28',
      name: '何小雨',
      birthRegion: '330106',
    });
    const recorded = born.actions.at(-1);
    expect(recorded?.type).toBe('birth-recorded');
    expect(recorded?.changes?.['child.birthDate']).toEqual({ from: '2026-09-01', to: '2026-08-28' });
    expect(recorded?.changes?.['child.expected']).toEqual({ from: true, to: null });
    const revalidated = applyRegistrationAction(
      born,
      { type: 'validate', findings: [] },
      registrar,
      clock,
      ids(),
    );
    const registered = applyRegistrationAction(
      revalidated,
      { type: 'register', registrationNumber: number, findings: [] },
      registrar,
      clock,
      ids(),
    );
    expect(deriveStatus(registered.actions)).toBe('registered');
  });

  it('records a birth only once, and never on a child already born', () => {
    const born = applyRegistrationAction(
      submit(),
      { type: 'record-birth', child: { sex: 'male', birthDate: '2026-09-01' }, findings: [] },
      registrar,
      clock,
      ids(),
    );
    expect(currentDetails(born).child.birthDate).toBe('2026-09-01');
    expect(() =>
      applyRegistrationAction(
        born,
        { type: 'record-birth', child: { sex: 'male', birthDate: '2026-09-01' }, findings: [] },
        registrar,
        clock,
        ids(),
      ),
    ).toThrow(ConflictError);
  });
});
