import type { PersonFacts } from './person-facts';

export interface PersonFactsRepository {
  find(personId: string): Promise<PersonFacts | undefined>;
  /**
   * Stores facts unless the table already holds the same or a newer version (a concurrent
   * consumer may have won); returns whether this write took effect.
   */
  saveIfNewer(facts: PersonFacts): Promise<boolean>;
}
