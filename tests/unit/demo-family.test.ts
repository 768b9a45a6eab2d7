import { describe, expect, it } from 'vitest';
import { candidateCounties, newFamily, residentIdOf, todayInChina } from '../../local/demo/family';
import { newStoryState, steps } from '../../local/demo/story';
import { checkResidentId } from '../../shared/domain/resident-id';

describe('the demo family', () => {
  it('builds checksum-valid resident IDs from their parts', () => {
    const id = residentIdOf('510104', '1994-06-07', 62);
    expect(id.slice(0, 17)).toBe('51010419940607062');
    expect(checkResidentId(id).ok).toBe(true);
  });

  it('is new on every run, female where the story says so, and born before today', () => {
    const today = '2026-11-23';
    const families = Array.from({ length: 20 }, () => newFamily('510104', today));
    expect(new Set(families.map((f) => f.mother.residentId)).size).toBe(20);
    for (const { mother, child, bankAccount } of families) {
      for (const person of [mother, child]) {
        expect(checkResidentId(person.residentId).ok).toBe(true);
        expect(person.residentId.slice(6, 14)).toBe(person.birthDate.replaceAll('-', ''));
        expect(Number(person.residentId[16]) % 2).toBe(0);
      }
      expect(child.birthDate < today).toBe(true);
      expect(mother.birthDate < '1997-01-01').toBe(true);
      expect(bankAccount.holderName).toBe(mother.name);
    }
  });

  it('uses the date in China', () => {
    expect(todayInChina(new Date('2026-12-31T17:00:00Z'))).toBe('2027-01-01');
  });

  it('offers only counties of the province outside the excluded prefixes', () => {
    const counties = candidateCounties('33', ['3301']);
    expect(counties.length).toBeGreaterThan(50);
    expect(counties.every((c) => c.startsWith('33') && !c.startsWith('3301') && !c.endsWith('00'))).toBe(
      true,
    );
  });

  it('tells the whole story in order', () => {
    expect(steps.map((s) => s.id)).toEqual([
      'cast',
      'records',
      'birth',
      'notified',
      'certificate',
      'enrol-zhejiang',
      'batch-zhejiang',
      'duplicate-sichuan',
      'batch-sichuan',
      'verify',
    ]);
    expect(newStoryState(new Date('2026-12-31T17:00:00Z')).period).toBe('2027');
  });
});
