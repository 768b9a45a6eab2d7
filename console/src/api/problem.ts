/** An RFC 9457 problem from the API, or what the console makes of any other failed answer. */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string | undefined,
    readonly type: string | undefined,
    readonly errors: ReadonlyArray<{ field: string; message: string }> = [],
  ) {
    super(detail ? `${title}: ${detail}` : title);
  }
}

interface ProblemBody {
  type?: unknown;
  title?: unknown;
  detail?: unknown;
  errors?: unknown;
  message?: unknown;
}

/**
 * Reads an error answer: problem+json as the functions write it, or API Gateway's own
 * `{"message": …}` (401, 404 for unknown routes), or nothing usable.
 */
export function problemOf(status: number, body: unknown): ApiProblem {
  const value = (body && typeof body === 'object' ? body : {}) as ProblemBody;
  const title =
    typeof value.title === 'string'
      ? value.title
      : typeof value.message === 'string'
        ? value.message
        : `HTTP ${status}`;
  const errors = Array.isArray(value.errors)
    ? value.errors.filter(
        (e): e is { field: string; message: string } =>
          typeof e?.field === 'string' && typeof e?.message === 'string',
      )
    : [];
  return new ApiProblem(
    status,
    title,
    typeof value.detail === 'string' ? value.detail : undefined,
    typeof value.type === 'string' ? value.type : undefined,
    errors,
  );
}

/** The data of a successful openapi-fetch answer; the problem, thrown, of any other. */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.response.ok && result.data !== undefined) return result.data;
  throw problemOf(result.response.status, result.error);
}
