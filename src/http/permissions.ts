// The permission matrix: for every route (method + OpenAPI path) the callers that may use it.
// The one middleware in auth.ts enforces it; a route missing here is refused (deny by default)
// and fails test/http.permissions.test.ts. The README's table of the same name mirrors it (the
// test compares the two). Adding a route is one line here and one row there.
import type { Config } from '../config.js';
import { DEFAULT_WEBHOOK_PATH, webhookPath } from '../../bots/telegram/telegram.webhook.js';

/**
 * - `admin`: an admin API key (everything);
 * - `service`: a service API key, a first-party backend acting for users: no grants, deductions,
 *   reversals, rule changes or minting;
 * - `web`: no key, the browser's web chat session (the `xf_session` cookie, which the route
 *   issues when it is missing or forged);
 * - `telegram`, `discord` (the bots): the Telegram webhook secret header, Discord's Ed25519 signature;
 * - `metrics`: METRICS_TOKEN, a Prometheus scraper's key (reads /metrics, nothing else);
 * - `public`: anyone; credentials are not looked at.
 */
export type Caller = 'admin' | 'service' | 'metrics' | 'web' | 'telegram' | 'discord' | 'public';
export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export interface Permission {
  method: Method;
  /** As in the OpenAPI document: `/v1/users/{id}/balance`. */
  path: string;
  allow: readonly Caller[];
}

const PUBLIC = ['public'] as const;
const ADMIN = ['admin'] as const;
const KEYS = ['admin', 'service'] as const;
const CHAT = ['admin', 'service', 'web'] as const;

type Row = readonly [Method, string, readonly Caller[]];

// Bots run in-process and call the services directly (moderator grants included): nothing of
// theirs needs a key over HTTP, so what only moderators and admins may do is admin-only here.
const ROWS: readonly Row[] = [
  // Service, documentation and the web chat page.
  ['GET', '/healthz', PUBLIC],
  ['GET', '/openapi.json', PUBLIC],
  ['GET', '/docs', PUBLIC],
  ['GET', '/docs/assets/{file}', PUBLIC],
  ['GET', '/', PUBLIC],
  // An invite link's page (/r/<code>) is for anyone the link reaches.
  ['GET', '/r/{code}', PUBLIC],
  // Operations: Prometheus metrics.
  ['GET', '/metrics', ['admin', 'metrics']],
  // The assistant: a keyless caller is the web chat session; a key acts for any channel identity.
  ['POST', '/v1/chat', CHAT],
  // Logout ends the cookie's own session; an admin ends a user's sessions.
  ['POST', '/v1/chat/logout', ['web']],
  ['POST', '/v1/admin/web-sessions/revoke', ADMIN],
  // Payments: the provider signs its webhook (checked by the route); the sandbox pages are the provider's.
  ['POST', '/v1/payments/webhook', PUBLIC],
  ['GET', '/sandbox/pay/{ref}', PUBLIC],
  ['POST', '/sandbox/pay/{ref}/{action}', PUBLIC],
  // Users, wallets and what they do: first-party backends act for them.
  ['POST', '/v1/users', KEYS],
  ['GET', '/v1/users/{id}', KEYS],
  ['GET', '/v1/users/{id}/balance', KEYS],
  ['GET', '/v1/users/{id}/entries', KEYS],
  ['GET', '/v1/users/{id}/history', KEYS],
  ['GET', '/v1/users/{id}/expiry', KEYS],
  ['GET', '/v1/users/{id}/membership', KEYS],
  ['GET', '/v1/users/{id}/roles', KEYS],
  ['POST', '/v1/users/{id}/link-code', KEYS],
  ['POST', '/v1/users/{id}/link', KEYS],
  ['GET', '/v1/users/{id}/referral', KEYS],
  ['POST', '/v1/users/{id}/referral', KEYS],
  ['GET', '/v1/users/{id}/checkins', KEYS],
  ['POST', '/v1/users/{id}/checkins', KEYS],
  ['POST', '/v1/users/{id}/quotes', KEYS],
  ['POST', '/v1/users/{id}/quotes/{quoteId}/confirm', KEYS],
  ['POST', '/v1/users/{id}/quotes/{quoteId}/cancel', KEYS],
  ['POST', '/v1/users/{id}/redemptions', KEYS],
  ['GET', '/v1/users/{id}/checkout-quote', KEYS],
  ['GET', '/v1/users/{id}/orders', KEYS],
  ['POST', '/v1/users/{id}/orders', KEYS],
  ['GET', '/v1/users/{id}/orders/{orderId}', KEYS],
  ['POST', '/v1/users/{id}/orders/{orderId}/cancel', KEYS],
  ['POST', '/v1/users/{id}/orders/{orderId}/refund', KEYS],
  ['GET', '/v1/users/{id}/enrollments', KEYS],
  ['POST', '/v1/users/{id}/reviews', KEYS],
  ['POST', '/v1/events', KEYS],
  ['GET', '/v1/earn-guide', KEYS],
  ['GET', '/v1/leaderboard', KEYS],
  ['POST', '/v1/communities/{community}/members', KEYS],
  // A moderator grant names its moderator: only an admin may claim one over HTTP.
  ['POST', '/v1/communities/{community}/grants', ADMIN],
  // Catalog and mall.
  ['GET', '/v1/categories', KEYS],
  ['GET', '/v1/courses', KEYS],
  ['GET', '/v1/courses/{slug}', KEYS],
  ['GET', '/v1/courses/{slug}/reviews', KEYS],
  ['GET', '/v1/mall/items', KEYS],
  ['GET', '/v1/mall/items/{slug}', KEYS],
  // Admin: points, catalog, rules, roles, orders, support, jobs, audit.
  ['POST', '/v1/admin/grants', ADMIN],
  ['POST', '/v1/admin/deductions', ADMIN],
  ['POST', '/v1/admin/holds', ADMIN],
  ['POST', '/v1/admin/holds/{id}/post', ADMIN],
  ['POST', '/v1/admin/holds/{id}/void', ADMIN],
  ['POST', '/v1/admin/entries/{id}/reverse', ADMIN],
  ['GET', '/v1/admin/courses', ADMIN],
  ['POST', '/v1/admin/courses', ADMIN],
  ['PATCH', '/v1/admin/courses/{slug}', ADMIN],
  ['DELETE', '/v1/admin/courses/{slug}', ADMIN],
  ['GET', '/v1/admin/mall/items', ADMIN],
  ['POST', '/v1/admin/mall/items', ADMIN],
  ['PATCH', '/v1/admin/mall/items/{slug}', ADMIN],
  ['DELETE', '/v1/admin/mall/items/{slug}', ADMIN],
  ['GET', '/v1/admin/rules', ADMIN],
  ['PATCH', '/v1/admin/rules/{code}', ADMIN],
  ['GET', '/v1/admin/moderator-grants', ADMIN],
  ['POST', '/v1/admin/moderator-grants/{id}/undo', ADMIN],
  ['POST', '/v1/admin/roles', ADMIN],
  ['POST', '/v1/admin/roles/revoke', ADMIN],
  ['GET', '/v1/admin/communities/{community}/moderator-roles', ADMIN],
  ['PUT', '/v1/admin/communities/{community}/moderator-roles', ADMIN],
  ['GET', '/v1/admin/orders/{orderId}', ADMIN],
  ['POST', '/v1/admin/orders/{orderId}/status', ADMIN],
  ['GET', '/v1/admin/faq', ADMIN],
  ['PUT', '/v1/admin/faq/{id}', ADMIN],
  ['DELETE', '/v1/admin/faq/{id}', ADMIN],
  ['GET', '/v1/admin/tickets', ADMIN],
  ['POST', '/v1/admin/tickets/{id}/close', ADMIN],
  ['POST', '/v1/admin/jobs/run', ADMIN],
  ['GET', '/v1/admin/audit', ADMIN],
];

/** Where the Telegram webhook is served: the path of TELEGRAM_WEBHOOK_URL (see bots.ts). */
export const telegramWebhookPath = (config: Pick<Config, 'TELEGRAM_WEBHOOK_URL'>) =>
  config.TELEGRAM_WEBHOOK_URL ? webhookPath(config.TELEGRAM_WEBHOOK_URL) : DEFAULT_WEBHOOK_PATH;

/** The matrix for this configuration (the Telegram webhook's path comes from it). */
export function permissionMatrix(config: Pick<Config, 'TELEGRAM_WEBHOOK_URL'>): Permission[] {
  const bots: Row[] = [
    ['POST', telegramWebhookPath(config), ['telegram']],
    ['POST', '/discord/interactions', ['discord']],
  ];
  return [...ROWS, ...bots].map(([method, path, allow]) => ({ method, path, allow }));
}

/** Hono's form of an OpenAPI path: `/users/{id}` → `/users/:id`. */
export const honoPath = (openApiPath: string) => openApiPath.replace(/\{([^}]+)\}/g, ':$1');
/** OpenAPI's form of a Hono route path: `/users/:id` → `/users/{id}`. */
export const openApiPath = (honoRoutePath: string) =>
  honoRoutePath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
