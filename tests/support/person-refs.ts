import { personRefOf } from '../../shared/domain/person-ref';

/** The national person-reference key of the tests (a made-up value). */
export const TEST_PERSON_REF_KEY = 'r'.repeat(64);

/** Cross-province references as every province computes them, under the test key. */
export const testPersonRefOf = (residentId: string): string => personRefOf(TEST_PERSON_REF_KEY, residentId);
