// The page behind an invite link (/r/<code>): how to join with the code, in Chinese or English,
// with a deep link to the Telegram bot (when one runs) and to the web chat with the code applied.
// Server-rendered without scripts; every value put into the HTML is escaped.

export type PageLang = 'zh' | 'en';

const esc = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/** The visitor's language from Accept-Language: the first of zh/en by preference, zh otherwise. */
export function pageLanguage(acceptLanguage: string | undefined): PageLang {
  const ranked = (acceptLanguage ?? '')
    .split(',')
    .map((part, i) => {
      const [tag = '', ...params] = part.trim().toLowerCase().split(';');
      const q = Number(params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find(Boolean) ?? 1);
      return { tag: tag.trim(), q: Number.isFinite(q) ? q : 0, i };
    })
    .filter((l) => l.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  for (const { tag } of ranked) {
    if (tag === 'zh' || tag.startsWith('zh-')) return 'zh';
    if (tag === 'en' || tag.startsWith('en-')) return 'en';
  }
  return 'zh';
}

export const INVITE_STYLE = `body{font:16px/1.6 system-ui,-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;max-width:32rem;margin:2.5rem auto;padding:0 1rem;color:#1d2433}
h1{font-size:1.5rem}.code{font:600 1.4rem ui-monospace,monospace;letter-spacing:.1em;background:#f4f6fb;padding:.2rem .6rem;border-radius:6px}
.go{display:block;margin:.8rem 0;padding:.8rem 1rem;border-radius:10px;background:#2f6fed;color:#fff;text-decoration:none;text-align:center}
.go.alt{background:#fff;color:#2f6fed;border:1px solid #2f6fed}small{color:#5b6478}`;

const TEXT = {
  zh: {
    title: '加入学分 xuefen',
    lead: '你的朋友邀请你一起学习。加入后，你的朋友会获得邀请奖励；你可以签到、学课程、用积分兑换课程和商品。',
    code: '邀请码',
    telegram: '在 Telegram 中打开学分助手',
    web: '在网页上开始聊天',
    note: '邀请码会在你第一次和助手对话时自动使用。邀请只对新用户有效；如果没有自动生效，请发送「/start ref_CODE」。',
    other: 'English',
    notFoundTitle: '邀请链接无效',
    notFound: '这个邀请码不存在。请向邀请你的朋友要一个新的链接，或者直接开始使用：',
  },
  en: {
    title: 'Join xuefen',
    lead: 'A friend invited you to learn with xuefen. When you join, your friend earns a referral reward; you can check in, take courses and redeem points for courses and goods.',
    code: 'Invitation code',
    telegram: 'Open the xuefen assistant in Telegram',
    web: 'Start chatting on the web',
    note: 'The code is applied on your first message to the assistant. Invitations are for new users only; if it does not apply, send "/start ref_CODE".',
    other: '中文',
    notFoundTitle: 'Invitation link not valid',
    notFound:
      'This invitation code does not exist. Ask your friend for a new link, or just start here:',
  },
} as const;

function layout(lang: PageLang, title: string, body: string): string {
  return `<!doctype html>
<html lang="${lang === 'zh' ? 'zh-CN' : 'en'}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title><style>${INVITE_STYLE}</style></head>
<body>${body}</body></html>`;
}

export function invitePage(p: {
  lang: PageLang;
  code: string;
  webUrl: string;
  telegramUrl?: string;
  otherLangUrl: string;
}): string {
  const t = TEXT[p.lang];
  const telegram = p.telegramUrl
    ? `<a class="go" href="${esc(p.telegramUrl)}">${esc(t.telegram)}</a>`
    : '';
  return layout(
    p.lang,
    t.title,
    `<h1>${esc(t.title)}</h1><p>${esc(t.lead)}</p>
<p>${esc(t.code)}: <span class="code">${esc(p.code)}</span></p>
${telegram}<a class="go${telegram ? ' alt' : ''}" href="${esc(p.webUrl)}">${esc(t.web)}</a>
<p><small>${esc(t.note.replace('CODE', p.code))}</small></p>
<p><small><a href="${esc(p.otherLangUrl)}">${esc(t.other)}</a></small></p>`,
  );
}

export function inviteNotFoundPage(p: { lang: PageLang; webUrl: string }): string {
  const t = TEXT[p.lang];
  return layout(
    p.lang,
    t.notFoundTitle,
    `<h1>${esc(t.notFoundTitle)}</h1><p>${esc(t.notFound)}</p><a class="go" href="${esc(p.webUrl)}">${esc(t.web)}</a>`,
  );
}
