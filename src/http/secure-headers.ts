// Security headers. Every HTML answer gets hono's secureHeaders with a Content-Security-Policy
// that lets only the page's own inline <script>/<style> run (by SHA-256 hash, computed once from
// the page's text), frames nothing and is framed by nothing, sends no referrer and keeps forms
// on this origin. Every other answer (JSON) gets X-Content-Type-Options: nosniff: one header,
// so the hot path pays next to nothing.
import { createHash } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';

const hash = (text: string) =>
  `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/** The hashes of the inline (src-less) scripts and of the style elements of a page. */
function inlineHashes(html: string) {
  const scripts = [...html.matchAll(/<script(?![^>]*\ssrc=)[^>]*>([\s\S]*?)<\/script>/gi)].map(
    (m) => hash(m[1]!),
  );
  const styles = [...html.matchAll(/<style[^>]*>([\s\S]*?)<\/style>/gi)].map((m) => hash(m[1]!));
  return { scripts, styles };
}

export interface PageHeaderOptions {
  /** The page's HTML when it has inline scripts or style elements (a constant page). */
  html?: string;
  /** Sends Strict-Transport-Security (only when the service is reached over HTTPS). */
  https?: boolean;
}

/** secureHeaders for an HTML page: scripts and style elements only from this origin or by hash. */
export function pageHeaders(opts: PageHeaderOptions = {}): MiddlewareHandler {
  const { scripts, styles } = opts.html ? inlineHashes(opts.html) : { scripts: [], styles: [] };
  return secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: scripts.length ? ["'self'", ...scripts] : ["'self'"],
      styleSrc: ["'self'", ...styles],
      // Style attributes cannot run code; the small server-rendered pages use a few.
      styleSrcAttr: ["'unsafe-inline'"],
      imgSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
      baseUri: ["'none'"],
      objectSrc: ["'none'"],
    },
    xFrameOptions: 'DENY',
    referrerPolicy: 'no-referrer',
    strictTransportSecurity: opts.https ? 'max-age=15552000' : false,
    // A page route's own policy (with its hashes) stands; the catch-all below only fills gaps.
    overwrite: false,
  });
}

/** For every answer: HTML without a policy of its own gets the strict page policy, the rest nosniff. */
export function secureResponses(opts: { https: boolean }): MiddlewareHandler {
  const page = pageHeaders({ https: opts.https });
  const done = async () => {};
  return async (c, next) => {
    await next();
    if (c.res.headers.get('content-type')?.startsWith('text/html')) await page(c, done);
    else c.res.headers.set('X-Content-Type-Options', 'nosniff');
  };
}
