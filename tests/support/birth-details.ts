import { residentIdFor } from './resident-ids';

/**
 * A Hangzhou family's birth as a registration request: the mother (hukou in Chengdu) is
 * told apart by her resident-ID sequence, the child by its birth date. Made-up data.
 */
export const familyBirth = (
  childBirth: string,
  motherSequence: string,
  overrides: Record<string, unknown> = {},
) => ({
  child: {
    name: '王小宝',
    sex: 'male',
    birthDate: childBirth,
    birthRegion: '330106',
    residentId: residentIdFor('330106', childBirth, '011'),
  },
  mother: {
    name: '李芳',
    residentId: residentIdFor('510104', '1992-04-05', motherSequence),
    birthDate: '1992-04-05',
    hukouRegion: '510104',
  },
  father: {
    name: '王强',
    residentId: residentIdFor('330106', '1990-01-01', '015'),
    birthDate: '1990-01-01',
    hukouRegion: '330106',
  },
  residenceRegion: '330106',
  birthOrder: 1,
  ...overrides,
});
