/** One delivery attempt as the message log records it (an open object in the API description). */
export interface AttemptView {
  readonly key: string;
  readonly round?: number;
  readonly attempt?: number;
  readonly at?: string;
  readonly status?: number;
  readonly outcome?: string;
  readonly reason?: string;
  readonly nextAttemptAt?: string;
}

const record = (value: unknown): Record<string, unknown> =>
  value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
const number = (value: unknown) => (typeof value === 'number' ? value : undefined);

/** A message record's delivery attempts, oldest first; none for a received message. */
export function attemptsOf(message: Record<string, unknown>): AttemptView[] {
  const attempts = Array.isArray(message.attempts) ? message.attempts : [];
  return attempts.map((entry, i) => {
    const a = record(entry);
    return {
      key: `${number(a.round) ?? 0}-${number(a.attempt) ?? i}-${i}`,
      round: number(a.round),
      attempt: number(a.attempt),
      at: text(a.at),
      status: number(a.status),
      outcome: text(a.outcome),
      reason: text(a.reason),
      nextAttemptAt: text(a.nextAttemptAt),
    };
  });
}
