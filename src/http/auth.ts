// Bearer API keys: admin keys may do everything, service keys act for users but cannot grant,
// deduct, reverse or change rules. Keys are compared in constant time.
import { hash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv, Role } from './http.types.js';
import { errorResponse } from './errors.js';

const digest = (s: string) => hash('sha256', s, 'buffer');

export function createKeyring(keys: { admin: string[]; service: string[] }) {
  const entries = [
    ...keys.admin.map((k) => ({ digest: digest(k), role: 'admin' as Role })),
    ...keys.service.map((k) => ({ digest: digest(k), role: 'service' as Role })),
  ];
  return {
    /** Every stored key is compared, so timing says nothing about which one matched. */
    roleOf(key: string): Role | undefined {
      const d = digest(key);
      let role: Role | undefined;
      for (const e of entries) if (timingSafeEqual(d, e.digest) && !role) role = e.role;
      return role;
    },
  };
}

export type Keyring = ReturnType<typeof createKeyring>;

/** Resolves the caller's role; with `required`, refuses anonymous callers. */
export function authenticate(keyring: Keyring, opts: { required: boolean }): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization');
    if (header) {
      const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
      const role = m ? keyring.roleOf(m[1]!) : undefined;
      if (!role) return errorResponse(c, 'unauthorized', 'the API key is not valid');
      c.set('role', role);
    } else if (opts.required) {
      return errorResponse(c, 'unauthorized', 'an API key is required (Authorization: Bearer <key>)');
    }
    await next();
  };
}

export function requireRole(role: Role): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const have = c.get('role');
    if (!have) return errorResponse(c, 'unauthorized', 'an API key is required (Authorization: Bearer <key>)');
    if (role === 'admin' && have !== 'admin') return errorResponse(c, 'forbidden', 'this action needs an admin key');
    await next();
  };
}
