import { Alert } from 'antd';
import { ApiProblem } from '../api/problem';

/** A failed call as the API explained it: the problem's title and detail, each bad field named. */
export function ProblemAlert({ error }: { readonly error: unknown }) {
  if (!error) return null;
  const problem = error instanceof ApiProblem ? error : undefined;
  const title = problem?.title ?? (error instanceof Error ? error.message : String(error));
  return (
    <Alert
      type="error"
      showIcon
      role="alert"
      title={title}
      description={
        problem?.detail || problem?.errors.length ? (
          <>
            {problem.detail && <div>{problem.detail}</div>}
            {problem.errors.length > 0 && (
              <ul>
                {problem.errors.map((e) => (
                  <li key={`${e.field}:${e.message}`}>
                    <code>{e.field}</code> {e.message}
                  </li>
                ))}
              </ul>
            )}
          </>
        ) : undefined
      }
    />
  );
}
