import { describe, expect, it } from 'vitest';
import { ApiProblem, problemOf, unwrap } from './problem';

describe('reading failed answers', () => {
  it("keeps a problem's title, detail, type and each bad field", () => {
    const problem = problemOf(422, {
      type: 'urn:cn:gov:jiahe:problem:validation',
      title: '数据校验未通过',
      detail: '请求体中有 1 个字段无效。',
      errors: [{ field: 'body.reason', message: '必填' }, { field: 3 }],
    });
    expect(problem).toMatchObject({
      status: 422,
      title: '数据校验未通过',
      detail: '请求体中有 1 个字段无效。',
      type: 'urn:cn:gov:jiahe:problem:validation',
      errors: [{ field: 'body.reason', message: '必填' }],
    });
  });

  it("takes API Gateway's own message, or the status when there is nothing", () => {
    expect(problemOf(401, { message: 'Unauthorized' }).title).toBe('Unauthorized');
    expect(problemOf(502, undefined).title).toBe('HTTP 502');
  });

  it('unwraps data, and throws the problem of a refusal', () => {
    expect(unwrap({ data: { ok: 1 }, response: new Response(null, { status: 200 }) })).toEqual({ ok: 1 });
    expect(() =>
      unwrap({ error: { title: '版本已变化' }, response: new Response(null, { status: 412 }) }),
    ).toThrow(ApiProblem);
  });
});
