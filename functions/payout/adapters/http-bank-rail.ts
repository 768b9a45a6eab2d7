import type { BankRail } from '../domain/bank-rail';

/**
 * A bank rail over HTTPS (the local bank simulator speaks the same): `POST /pain001`
 * with the file answers the first pain.002; `GET /pain002?after=n` lists later reports.
 */
export function httpBankRail(baseUrl: string): BankRail {
  return {
    async submit(messageId, pain001) {
      const response = await fetch(`${baseUrl}/pain001`, {
        method: 'POST',
        headers: { 'content-type': 'application/xml', 'x-message-id': messageId },
        body: pain001,
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`bank refused the file: HTTP ${response.status}`);
      return text;
    },
    async laterReports(after) {
      const response = await fetch(`${baseUrl}/pain002?after=${after}`);
      if (!response.ok) throw new Error(`bank reports unavailable: HTTP ${response.status}`);
      const body = (await response.json()) as { reports: { seq: number; document: string }[] };
      return body.reports;
    },
  };
}
