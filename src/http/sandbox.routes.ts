// The sandbox provider's hosted pay page (what a real provider would host): shows the amount
// and lets the payer pay or cancel; the provider then posts its signed webhook to us.
import { createRoute, z } from '@hono/zod-openapi';
import { newRouter } from './router.js';
import { errorResponses } from './common.schemas.js';
import type { AppServices } from '../app.services.js';

const RefParams = z.object({ ref: z.string().regex(/^sbx_[0-9a-f]{32}$/).openapi({ param: { name: 'ref', in: 'path' } }) });
const esc = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
const yuan = (fen: number) => `¥${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;

export function sandboxRoutes(s: AppServices, deliver: (rawBody: string, headers: Record<string, string>) => Promise<Response>) {
  const r = newRouter();

  r.openapi(
    createRoute({ method: 'get', path: '/pay/{ref}', tags: ['payments'], summary: 'Sandbox hosted pay page', request: { params: RefParams },
      responses: { 200: { description: 'HTML page', content: { 'text/html': { schema: z.string() } } }, ...errorResponses } }),
    async (c) => {
      const ch = await s.paymentProvider.charge(c.req.valid('param').ref);
      if (!ch) return c.json({ error: { code: 'not_found', message: 'no such sandbox payment', details: null } }, 404);
      const open = ch.status === 'pending';
      return c.html(`<!doctype html><html lang="zh"><head><meta charset="utf-8"><title>Sandbox payment</title></head>
<body style="font-family:sans-serif;max-width:28rem;margin:3rem auto">
<h1>沙盒支付 Sandbox payment</h1><p>${esc(ch.description)}</p><p style="font-size:2rem">${yuan(ch.amountFen)}</p>
<p>Status: <b>${esc(ch.status)}</b></p>
${open ? `<form method="post" action="/sandbox/pay/${ch.ref}/succeed"><button style="font-size:1.2rem">支付 Pay</button></form>
<form method="post" action="/sandbox/pay/${ch.ref}/fail"><button>取消 Cancel</button></form>` : ''}
</body></html>`, 200);
    },
  );

  r.openapi(
    createRoute({
      method: 'post', path: '/pay/{ref}/{action}', tags: ['payments'], summary: 'Sandbox: the payer pays or cancels; the provider sends the signed webhook',
      request: { params: RefParams.extend({ action: z.enum(['succeed', 'fail']).openapi({ param: { name: 'action', in: 'path' } }) }) },
      responses: { 200: { description: 'Result page', content: { 'text/html': { schema: z.string() } } }, ...errorResponses },
    }),
    async (c) => {
      const { ref, action } = c.req.valid('param');
      const hook = await s.paymentProvider.settle(ref, action === 'succeed' ? 'succeeded' : 'failed');
      const res = await deliver(hook.rawBody, hook.headers);
      const ok = res.status === 200;
      return c.html(`<!doctype html><html><head><meta charset="utf-8"><title>Sandbox payment</title></head><body style="font-family:sans-serif;max-width:28rem;margin:3rem auto">
<h1>${action === 'succeed' ? '支付成功 Paid' : '已取消 Cancelled'}</h1><p>${ok ? '商户已收到通知 The merchant was notified.' : 'The merchant did not accept the notification; it will be retried.'}</p></body></html>`, 200);
    },
  );

  return r;
}
