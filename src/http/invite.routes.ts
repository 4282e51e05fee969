// GET /r/<code>: where an invite link (referrals.info().link) leads. A page, not an API route,
// so it is not in the OpenAPI document. Unknown codes get a 404 page in the same style.
import { Hono } from 'hono';
import { pageHeaders } from './secure-headers.js';
import {
  invitePage,
  inviteNotFoundPage,
  INVITE_STYLE,
  pageLanguage,
  type PageLang,
} from '../web/invite.page.js';
import { normalizeCode } from '../shared/codes.js';
import type { AppServices } from '../app.services.js';

export function inviteRoutes(s: AppServices) {
  const r = new Hono();
  // The style element is the same text on every invite page: its hash goes in the policy.
  const headers = pageHeaders({
    html: `<style>${INVITE_STYLE}</style>`,
    https: s.config.PUBLIC_URL.startsWith('https:'),
  });
  r.get('/r/:code', headers, async (c) => {
    const asked = c.req.query('lang');
    const lang: PageLang =
      asked === 'zh' || asked === 'en' ? asked : pageLanguage(c.req.header('accept-language'));
    c.header('Vary', 'Accept-Language');
    c.header('Cache-Control', 'no-store');
    const raw = c.req.param('code');
    if (!(await s.referrals.exists(raw)))
      return c.html(inviteNotFoundPage({ lang, webUrl: '/' }), 404);
    const code = normalizeCode(raw);
    const bot = s.botProfiles.telegramUsername;
    return c.html(
      invitePage({
        lang,
        code,
        webUrl: `/?ref=${encodeURIComponent(code)}`,
        telegramUrl: bot
          ? `https://t.me/${encodeURIComponent(bot)}?start=ref_${encodeURIComponent(code)}`
          : undefined,
        otherLangUrl: `/r/${encodeURIComponent(code)}?lang=${lang === 'zh' ? 'en' : 'zh'}`,
      }),
      200,
    );
  });
  return r;
}
