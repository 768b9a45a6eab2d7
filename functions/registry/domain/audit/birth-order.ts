import { finding } from './parties';
import type { BirthRegistrationRule } from './types';

/** Above this, a birth order is far more likely an extra digit than a fact. */
const UNUSUAL_ABOVE = 10;

/**
 * BIRTH_ORDER_INVALID (error) unless the birth order is a whole number from 1;
 * BIRTH_ORDER_UNUSUAL (warning) above 10, a likely typo worth a second look. The birth
 * order is recorded for statistics; the warning only asks for a second look at a value
 * that is probably mistyped.
 */
export const checkBirthOrder: BirthRegistrationRule = (facts) => {
  const order = facts.birthOrder;
  if (!Number.isSafeInteger(order) || order < 1) {
    return [
      finding(
        'BIRTH_ORDER_INVALID',
        'error',
        'birthOrder',
        '孩次应为从1开始的整数（母亲的第一个孩子填1，第二个填2，依此类推），请核对。',
        "the birth order must be a whole number from 1 (1 for the mother's first child, 2 for her second, and so on); please check it.",
      ),
    ];
  }
  if (order > UNUSUAL_ABOVE) {
    return [
      finding(
        'BIRTH_ORDER_UNUSUAL',
        'warning',
        'birthOrder',
        `孩次填写为${order}，请核对是否多输了数字。`,
        `the birth order entered is ${order}; please check that no extra digit was typed.`,
      ),
    ];
  }
  return [];
};
