import type * as z from 'zod';

/** One answer a route gives on success, described by the schema it is built to. */
export interface ResponseDescription {
  readonly description: string;
  readonly schema?: z.ZodType;
  readonly example?: unknown;
  /** Response headers worth knowing, e.g. `etag` or `location`. */
  readonly headers?: readonly ('etag' | 'location')[];
  /** Media type when not `application/json`. */
  readonly contentType?: string;
}

/**
 * What one route of a manifest accepts and answers, next to the schemas its handler
 * validates with: the OpenAPI document is generated from these, so it cannot describe
 * a request the handler would refuse, nor miss a route (a test checks both ways).
 */
export interface RouteDescription {
  readonly summary: string;
  readonly description?: string;
  /** Path parameters, as the handler parses them (`parseWith(…, 'path')`). */
  readonly params?: z.ZodType;
  /** Query parameters, as the handler parses them (`parseWith(…, 'query')`). */
  readonly query?: z.ZodType;
  /** The JSON body, as the handler parses it (`parseJsonBody`). */
  readonly body?: z.ZodType;
  /** A body the schema accepts (checked by a test), shown in the documentation. */
  readonly bodyExample?: unknown;
  /** Body media type when not `application/json`. */
  readonly bodyContentType?: string;
  readonly responses: Readonly<Record<number, ResponseDescription>>;
  /** Problem statuses the route gives beyond those every route of its kind gives. */
  readonly problems?: readonly number[];
  /** Pages with `cursor` / `limit` in, and the next cursor out. */
  readonly paginated?: boolean;
  /** `If-Match` with the ETag last read: required (428 without), or checked when sent. */
  readonly ifMatch?: 'required' | 'optional';
}

/** An area's routes by manifest route key, e.g. `GET /v1/persons/{personId}`. */
export type ApiDescription = Readonly<Record<string, RouteDescription>>;
