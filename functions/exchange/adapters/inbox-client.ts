import type { InboxClient } from '../domain/ports';

export type { InboxClient } from '../domain/ports';

/** How long one POST may take before it counts as a timeout (the sender's Lambda timeout is longer). */
export const POST_TIMEOUT_MS = 10_000;

/**
 * POSTs a message to a partner's inbox over HTTPS. Redirects are not followed (a partner's
 * inbox is registered exactly). A network error or timeout is an answer without a status.
 */
export const fetchInboxClient =
  (timeoutMs = POST_TIMEOUT_MS): InboxClient =>
  async (url, headers, body) => {
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers,
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await response.text();
      const answerHeaders: Record<string, string> = {};
      response.headers.forEach((value, name) => {
        answerHeaders[name] = value;
      });
      return { status: response.status, headers: answerHeaders, body: text };
    } catch (error) {
      const name = (error as Error).name;
      return { headers: {}, body: '', error: name === 'TimeoutError' ? 'timeout' : 'network-error' };
    }
  };
