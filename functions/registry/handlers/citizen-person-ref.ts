import { checkResidentId, normaliseResidentId } from '../../../shared/domain/resident-id';
import type { ApiRequest } from '../../../shared/http/request';

/** The signed-in citizen's keyed person reference, or undefined when the login carries none. */
export type CitizenPersonRef = (request: ApiRequest) => string | undefined;

/**
 * Reads the verified resident ID claim (`resident_id`, put in the token by the province's
 * real-name platform and checked by the JWT authorizer) and turns it into the keyed person
 * reference at once; the ID itself is neither kept nor logged. A claim that is not a valid
 * resident ID counts as none.
 */
export function residentIdClaimRef(refOf: (residentId: string) => string): CitizenPersonRef {
  return (request) => {
    if (!request.principal.roles.includes('citizen')) return undefined;
    const claim = request.event.requestContext.authorizer?.jwt?.claims?.resident_id;
    if (typeof claim !== 'string') return undefined;
    const residentId = normaliseResidentId(claim);
    return checkResidentId(residentId).ok ? refOf(residentId) : undefined;
  };
}
