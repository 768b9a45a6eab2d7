import type { paths } from './openapi';

/** The JSON body of a route's answer with `status`, as docs/openapi.json describes it. */
type Json<P extends keyof paths, M extends keyof paths[P], S extends number> = paths[P][M] extends {
  responses: { [K in S]: { content: { 'application/json': infer B } } };
}
  ? B
  : never;

export type Registration = Json<'/v1/birth-registrations/{registrationId}', 'get', 200>;
export type Person = Json<'/v1/persons/{personId}', 'get', 200>;
export type PersonHistoryEntry = Json<'/v1/persons/{personId}/history', 'get', 200>['items'][number];
export type Household = Json<'/v1/households', 'get', 200>['items'][number];
export type Certificate = Json<'/v1/certificates', 'get', 200>['items'][number];
export type Partner = Json<'/v1/exchange/partners', 'get', 200>['items'][number];
export type ExchangeMessage = Json<'/v1/exchange/messages', 'get', 200>['items'][number];
export type LogVerification = Json<'/v1/exchange/partners/{code}/log', 'get', 200>;
export type RegistrationAction =
  paths['/v1/birth-registrations/{registrationId}/actions/{action}']['post']['parameters']['path']['action'];
export type Scheme = Json<'/v1/schemes', 'get', 200>['items'][number];
export type Enrollment = Json<'/v1/enrollments/{enrollmentId}', 'get', 200>;
export type EnrollmentStatus = Enrollment['status'];
export type EnrollmentAction =
  paths['/v1/enrollments/{enrollmentId}/actions/{action}']['post']['parameters']['path']['action'];
export type AccountChangeDecision =
  paths['/v1/enrollments/{enrollmentId}/account-changes/{changeId}/{decision}']['post']['parameters']['path']['decision'];
export type PayoutBatch = Json<'/v1/payout-batches/{batchId}', 'get', 200>;
export type BatchAction =
  paths['/v1/payout-batches/{batchId}/actions/{action}']['post']['parameters']['path']['action'];
export type PaymentLine = Json<'/v1/payout-batches/{batchId}/payments', 'get', 200>['items'][number];
export type PaymentFile = Json<'/v1/payout-batches/{batchId}/payment-file', 'get', 200>;
export type StatusReportResult = Json<'/v1/payout-batches/{batchId}/status-reports', 'post', 200>;
export type BirthsReport = Json<'/v1/reports/births', 'get', 200>;
export type BirthFigures = BirthsReport['total'];
export type PayoutsReport = Json<'/v1/reports/payouts', 'get', 200>;
export type PayoutReportItem = PayoutsReport['items'][number];
export type AccessLogEntry = Json<'/v1/access-log', 'get', 200>['items'][number];
