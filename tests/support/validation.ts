import type { FieldIssue } from '../../shared/domain/errors';
import { ValidationError } from '../../shared/domain/errors';

/** The issues of the ValidationError `action` throws; fails on any other outcome. */
export function issuesOf(action: () => unknown): FieldIssue[] {
  try {
    action();
  } catch (error) {
    if (error instanceof ValidationError) return [...error.issues];
    throw error;
  }
  throw new Error('expected a ValidationError');
}

/** The fields named by the ValidationError `action` throws. */
export const fieldsOf = (action: () => unknown): string[] => issuesOf(action).map((i) => i.field);
