// The sandbox provider's hosted pay page (what a real provider would host): shows the amount
// and lets the payer pay or cancel; the provider then posts its signed webhook to us. The page
// and both actions need the token of the pay link the order returned (bound to the payment,
// expiring with it); without it they answer 403 and change nothing.
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { newRouter } from './router.js';
import { errorResponses } from './common.schemas.js';
import { errorBody } from './errors.js';
import { DomainError } from '../shared/errors.js';
import type { SandboxProvider } from '../orders/sandbox.provider.js';

const RefParams = z.object({
  ref: z
    .string()
    .regex(/^sbx_[0-9a-f]{32}$/)
    .openapi({ param: { name: 'ref', in: 'path' } }),
});
const TokenQuery = z.object({
  token: z
    .string()
    .optional()
    .openapi({
      param: { name: 'token', in: 'query' },
      description: 'The token in the pay link the order returned',
    }),
});
const esc = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
const yuan = (fen: number) => `¥${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
const page = (
  title: string,
  body: string,
) => `<!doctype html><html lang="zh"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${esc(title)}</title></head>
<body style="font-family:sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem">${body}</body></html>`;

const htmlOk = { description: 'HTML page', content: { 'text/html': { schema: z.string() } } };
const refused = {
  403: {
    description:
      "The pay link's token is missing, forged, expired or for another payment (an HTML page when the client accepts text/html)",
    content: {
      'application/json': { schema: errorResponses[403].content['application/json'].schema },
      'text/html': { schema: z.string() },
    },
  },
};

/** A refused pay link: a page for a browser, the JSON error for an API client. */
function refuse(c: Context, err: DomainError) {
  if ((c.req.header('accept') ?? '').includes('text/html')) {
    return c.html(
      page(
        'Payment link not valid',
        `<h1>链接无效 Payment link not valid</h1><p>${esc(err.message)}</p><p>Nothing was paid or changed.</p>`,
      ),
      403,
    );
  }
  return c.json(errorBody(err.code, err.message, err.details), 403);
}

async function authorized(
  sandbox: SandboxProvider,
  c: Context,
  ref: string,
  token: string | undefined,
) {
  try {
    return await sandbox.authorize(ref, token);
  } catch (err) {
    if (err instanceof DomainError && err.code === 'pay_token_invalid') return refuse(c, err);
    throw err;
  }
}

export function sandboxRoutes(
  sandbox: SandboxProvider,
  deliver: (rawBody: string, headers: Record<string, string>) => Promise<Response>,
) {
  const r = newRouter();

  r.openapi(
    createRoute({
      method: 'get',
      path: '/pay/{ref}',
      tags: ['payments'],
      summary: "Sandbox hosted pay page (needs the pay link's token)",
      request: { params: RefParams, query: TokenQuery },
      responses: { 200: htmlOk, ...errorResponses, ...refused },
    }),
    async (c) => {
      const ch = await authorized(sandbox, c, c.req.valid('param').ref, c.req.valid('query').token);
      if (ch instanceof Response) return ch;
      const open = ch.status === 'pending';
      // The buttons carry the same token: pressing one is allowed exactly when viewing is.
      const action = (a: string) =>
        `/sandbox/pay/${ch.ref}/${a}?token=${encodeURIComponent(ch.token)}`;
      return c.html(
        page(
          'Sandbox payment',
          `
<h1>沙盒支付 Sandbox payment</h1><p>${esc(ch.description)}</p><p style="font-size:2rem">${yuan(ch.amountFen)}</p>
<p>Status: <b>${esc(ch.status)}</b></p>
${
  open
    ? `<form method="post" action="${esc(action('succeed'))}"><button style="font-size:1.2rem">支付 Pay</button></form>
<form method="post" action="${esc(action('fail'))}"><button>取消 Cancel</button></form>`
    : ''
}`,
        ),
        200,
      );
    },
  );

  r.openapi(
    createRoute({
      method: 'post',
      path: '/pay/{ref}/{action}',
      tags: ['payments'],
      summary:
        "Sandbox: the payer pays or cancels (needs the pay link's token); the provider sends the signed webhook",
      request: {
        params: RefParams.extend({
          action: z.enum(['succeed', 'fail']).openapi({ param: { name: 'action', in: 'path' } }),
        }),
        query: TokenQuery,
      },
      responses: {
        200: { description: 'Result page', content: { 'text/html': { schema: z.string() } } },
        ...errorResponses,
        ...refused,
      },
    }),
    async (c) => {
      const { ref, action } = c.req.valid('param');
      const ch = await authorized(sandbox, c, ref, c.req.valid('query').token);
      if (ch instanceof Response) return ch;
      const hook = await sandbox.settle(ref, action === 'succeed' ? 'succeeded' : 'failed');
      const res = await deliver(hook.rawBody, hook.headers);
      const ok = res.status === 200;
      return c.html(
        page(
          'Sandbox payment',
          `
<h1>${action === 'succeed' ? '支付成功 Paid' : '已取消 Cancelled'}</h1><p>${ok ? '商户已收到通知 The merchant was notified.' : 'The merchant did not accept the notification; it will be retried.'}</p>`,
        ),
        200,
      );
    },
  );

  return r;
}
