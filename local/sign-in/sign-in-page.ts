import type { DevStaffMember } from './dev-staff';

const escapeHtml = (text: string): string =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

/** The page's own rules: no script at all, its one style block inline, forms only to itself. */
export const SIGN_IN_PAGE_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const STYLE = `
body { font-family: system-ui, "Noto Sans CJK SC", sans-serif; margin: 0; background: #f5f5f5; color: #1f1f1f; }
main { max-width: 560px; margin: 48px auto; background: #fff; padding: 32px; border-radius: 8px; }
h1 { font-size: 20px; margin: 0 0 4px; }
p { color: #595959; margin: 0 0 24px; }
button { display: block; width: 100%; text-align: left; padding: 12px 16px; margin: 0 0 8px;
  font-size: 15px; background: #fff; border: 1px solid #d9d9d9; border-radius: 6px; cursor: pointer; }
button:hover, button:focus-visible { border-color: #1677ff; outline: 2px solid #91caff; }
small { color: #8c8c8c; margin-left: 8px; }
`;

/**
 * The local staff identity provider's sign-in page: pick one of the dev staff. The
 * authorization request's parameters travel on as hidden fields, so the POST that follows
 * is checked exactly as the GET was.
 */
export function signInPage(options: {
  readonly province: string;
  readonly staff: readonly DevStaffMember[];
  readonly params: Readonly<Record<string, string>>;
}): string {
  const hidden = Object.entries(options.params)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('\n');
  const buttons = options.staff
    .map(
      (member) =>
        `<button type="submit" name="staff" value="${escapeHtml(member.sub)}">${escapeHtml(member.label.zh)}` +
        ` · ${escapeHtml(member.label.en)}<small>${escapeHtml(member.sub)} · ${escapeHtml(member.region)}</small></button>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>工作人员登录 · Staff sign-in (${escapeHtml(options.province)})</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>工作人员登录 · Staff sign-in</h1>
<p>本地身份平台（仅限开发）· Local staff identity provider, for development only. Province ${escapeHtml(options.province)}.</p>
<form method="post" action="/dev/staff/authorize">
${hidden}
${buttons}
</form>
</main>
</body>
</html>
`;
}

/** A refused authorization request: shown, never redirected (RFC 6749 §4.1.2.1). */
export function signInErrorPage(message: string): string {
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>登录请求无效 · Invalid sign-in request</title><style>${STYLE}</style></head>
<body><main><h1>登录请求无效 · Invalid sign-in request</h1><p>${escapeHtml(message)}</p></main></body></html>
`;
}
