// Server-side web chat sessions: the cookie holds `<selector>.<secret>`; the row keeps only a
// hash of the secret. `web_key` is the web identity's external id (user_identity web:<key>) and
// stays the same when the secret rotates, so the browser keeps its web user.
import { defineEntity } from '@mikro-orm/core';

type Builders = typeof defineEntity.properties;

const ts = (p: Builders) => p.datetime().columnType('timestamptz');

export const WebSession = defineEntity({
  name: 'WebSession',
  tableName: 'web_session',
  properties: (p) => ({
    id: p.bigint('number').primary().autoincrement(),
    selector: p.string().length(32).unique('web_session_selector_uq'),
    secretHash: p.string().length(64),
    /** The secret before the last rotation, still accepted for a short grace (concurrent requests). */
    previousSecretHash: p.string().length(64).nullable(),
    webKey: p.string().length(128).unique('web_session_web_key_uq'),
    createdAt: ts(p).defaultRaw('now()'),
    lastUsedAt: ts(p),
    expiresAt: ts(p),
    rotatedAt: ts(p),
    revokedAt: ts(p).nullable(),
  }),
});
