// Every HTML page carries a Content-Security-Policy that allows exactly its own inline code (by
// hash), refuses framing, sends no referrer; JSON answers carry nosniff. Before, no page sent
// any of these. (The pages still work in a real browser: test/web.chat.e2e.test.ts.)
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, http, newUser, type Harness } from './support/harness.js';

const sha = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

/** The CSP as directive → sources. */
function csp(headers: Headers): Record<string, string[]> {
  const value = headers.get('content-security-policy');
  expect(value, 'Content-Security-Policy').toBeTruthy();
  return Object.fromEntries(
    value!
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .map(([name, ...sources]) => [name!, sources]),
  );
}

function expectPageHeaders(res: Response, html: string) {
  expect(res.headers.get('content-type')).toMatch(/^text\/html/);
  const policy = csp(res.headers);
  expect(policy['frame-ancestors']).toEqual(["'none'"]);
  expect(policy['object-src']).toEqual(["'none'"]);
  expect(policy['base-uri']).toEqual(["'none'"]);
  expect(policy['form-action']).toEqual(["'self'"]);
  // No inline script runs unless it is this page's own, by hash.
  expect(policy['script-src']).not.toContain("'unsafe-inline'");
  expect(policy['script-src']).not.toContain("'unsafe-eval'");
  for (const [, code] of html.matchAll(/<script(?![^>]*\ssrc=)[^>]*>([\s\S]*?)<\/script>/g))
    expect(policy['script-src']).toContain(sha(code!));
  for (const [, css] of html.matchAll(/<style[^>]*>([\s\S]*?)<\/style>/g))
    expect(policy['style-src']).toContain(sha(css!));
  expect(res.headers.get('x-frame-options')).toBe('DENY');
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  expect(res.headers.get('referrer-policy')).toBe('no-referrer');
  // Plain http here: HSTS only when PUBLIC_URL is https.
  expect(res.headers.get('strict-transport-security')).toBeNull();
}

describe('security headers', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
    await h.services.catalog.seedDemo();
  });
  afterAll(async () => h?.close());

  it('guards the web chat page and the API docs, allowing only their own inline code', async () => {
    for (const path of ['/', '/docs']) {
      const res = await h.app.request(path);
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(html).toMatch(/<script>/);
      expectPageHeaders(res, html);
    }
  });

  it('guards the sandbox pay pages (the page and the result page)', async () => {
    const u = await newUser(h);
    const order = await http(h.app)('POST', `/v1/users/${u.id}/orders`, {
      body: { courseSlug: 'python-basics' },
      headers: { 'idempotency-key': 'sec-order' },
    });
    expect(order.status).toBe(201);
    const url = new URL(order.body.payUrl);
    const path = url.pathname;
    const page = await h.app.request(path + url.search);
    expect(page.status).toBe(200);
    expectPageHeaders(page, await page.text());
    const result = await h.app.request(`${path}/fail${url.search}`, { method: 'POST' });
    expectPageHeaders(result, await result.text());
  });

  it('sends nosniff with JSON answers, errors included, and no page policy there', async () => {
    for (const [path, status] of [
      ['/healthz', 200],
      ['/v1/users/1/balance', 401],
      ['/no/such/route', 404],
      ['/openapi.json', 200],
    ] as const) {
      const res = await h.app.request(path);
      expect(res.status).toBe(status);
      expect(res.headers.get('content-type')).toMatch(/json/);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });

  it('sends Strict-Transport-Security when the service is public over HTTPS', async () => {
    const secure = await createHarness({ env: { PUBLIC_URL: 'https://points.example.com' } });
    try {
      const res = await secure.app.request('/');
      expect(res.headers.get('strict-transport-security')).toMatch(/^max-age=\d+/);
    } finally {
      await secure.close();
    }
  });
});
