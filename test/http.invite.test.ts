// The invite link /r/<code> leads to a page (zh or en by Accept-Language) that explains how to
// join: the Telegram bot's deep link when a bot runs, and the web chat with the code applied,
// which the web chat accepts on its first turn. It used to answer 404, and pointed at port 3000
// whatever PORT was.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, http, newUser, type Harness } from './support/harness.js';

describe('invite links', () => {
  let h: Harness;
  let api: ReturnType<typeof http>;
  let inviter: number;
  let code: string;
  beforeAll(async () => {
    h = await createHarness({ env: { PORT: '3457' } });
    api = http(h.app);
    inviter = (await newUser(h)).id;
    const info = await api('GET', `/v1/users/${inviter}/referral`);
    code = info.body.code;
    // PUBLIC_URL is unset: the link follows PORT.
    expect(info.body.link).toBe(`http://localhost:3457/r/${code}`);
  });
  afterAll(async () => h?.close());

  const page = (path: string, acceptLanguage?: string) =>
    h.app.request(path, { headers: acceptLanguage ? { 'accept-language': acceptLanguage } : {} });

  it('explains how to join, in Chinese or English by Accept-Language, with secure headers', async () => {
    const zh = await page(`/r/${code}`, 'zh-CN,zh;q=0.9,en;q=0.8');
    expect(zh.status).toBe(200);
    expect(zh.headers.get('content-type')).toMatch(/^text\/html/);
    const zhHtml = await zh.text();
    expect(zhHtml).toContain('加入学分');
    expect(zhHtml).toContain(code);
    expect(zhHtml).toContain(`href="/?ref=${code}"`);
    expect(zhHtml).not.toContain('t.me/');
    expect(zh.headers.get('vary')).toMatch(/Accept-Language/i);
    const policy = zh.headers.get('content-security-policy')!;
    expect(policy).toContain("frame-ancestors 'none'");
    const css = /<style>([\s\S]*?)<\/style>/.exec(zhHtml)![1]!;
    expect(policy).toContain(`'sha256-${createHash('sha256').update(css).digest('base64')}'`);
    expect(zh.headers.get('x-frame-options')).toBe('DENY');

    for (const [accept, word] of [
      ['en-US,en;q=0.9', 'Join xuefen'],
      ['fr-FR, en;q=0.5, zh;q=0.4', 'Join xuefen'],
      ['en;q=0.3, zh-TW;q=0.8', '加入学分'],
      ['de', '加入学分'],
      [undefined, '加入学分'],
    ] as const) {
      expect(await (await page(`/r/${code}`, accept)).text(), String(accept)).toContain(word);
    }
    expect(await (await page(`/r/${code}?lang=en`, 'zh-CN')).text()).toContain('Join xuefen');
    // Codes are forgiving as typed: case and dashes do not matter.
    const typed = await page(`/r/${code.toLowerCase().slice(0, 4)}-${code.toLowerCase().slice(4)}`);
    expect(typed.status).toBe(200);
    expect(await typed.text()).toContain(`href="/?ref=${code}"`);
  });

  it('links to the Telegram bot with the start payload the bot reads, when a bot runs', async () => {
    h.services.botProfiles.telegramUsername = 'xuefen_test_bot';
    try {
      const html = await (await page(`/r/${code}`, 'en')).text();
      expect(html).toContain(`href="https://t.me/xuefen_test_bot?start=ref_${code}"`);
    } finally {
      delete h.services.botProfiles.telegramUsername;
    }
  });

  it('answers an unknown code with a 404 page that still leads to the web chat', async () => {
    for (const bad of ['NOSUCHCODE', '%3Cscript%3E', 'x'.repeat(300)]) {
      const res = await page(`/r/${bad}`, 'en');
      expect(res.status).toBe(404);
      const html = await res.text();
      expect(html).toContain('not valid');
      expect(html).not.toContain('<script');
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    }
  });

  it('applies the code on the web chat turn the page sends (ref), once, for a new user', async () => {
    const browser = http(h.app, {});
    const first = await browser('POST', '/v1/chat', {
      body: { user: { channel: 'web', languageCode: 'en' }, ref: code },
    });
    expect(first.status).toBe(200);
    expect(first.body.intent).toBe('greeting');
    expect((await api('GET', `/v1/users/${inviter}/referral`)).body.invited).toBe(1);
    // With a key, for a channel identity, as the bots do.
    const bot = await api('POST', '/v1/chat', {
      body: { user: { channel: 'telegram', externalId: 'invitee-2' }, ref: code.toLowerCase() },
    });
    expect(bot.status).toBe(200);
    expect((await api('GET', `/v1/users/${inviter}/referral`)).body.invited).toBe(2);
    // The code's Latin letters say nothing of the language: a Chinese browser is greeted in Chinese.
    const zh = await api('POST', '/v1/chat', {
      body: {
        user: { channel: 'telegram', externalId: 'invitee-zh', languageCode: 'zh-CN' },
        ref: code,
      },
    });
    expect(zh.body).toMatchObject({ intent: 'greeting', lang: 'zh' });
    expect((await api('GET', `/v1/users/${inviter}/referral`)).body.invited).toBe(3);
    // An unknown code still greets, and binds nobody.
    expect(
      (
        await api('POST', '/v1/chat', {
          body: { user: { channel: 'telegram', externalId: 'invitee-3' }, ref: 'NOSUCHCODE' },
        })
      ).status,
    ).toBe(200);
    expect((await api('GET', `/v1/users/${inviter}/referral`)).body.invited).toBe(3);
    // One of text, action or ref.
    const both = await api('POST', '/v1/chat', {
      body: { user: { channel: 'telegram', externalId: 'invitee-4' }, ref: code, text: 'hi' },
    });
    expect(both.status).toBe(400);
    expect(
      (
        await api('POST', '/v1/chat', {
          body: { user: { channel: 'telegram', externalId: 'invitee-4' }, ref: 'bad code!' },
        })
      ).status,
    ).toBe(400);
  });
});
