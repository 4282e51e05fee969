// Where a chat turn's database time goes, statement by statement: every query a `pg` client in
// this process sends, timed from the call to its answer (waiting for a pooled connection is not
// in it) and grouped by the statement's shape. Service timers miss what the assistant is handed
// in objects of its own (its check-ins and orders); this sees every round trip.
import { createRequire } from 'node:module';

type Query = (...args: unknown[]) => unknown;

/** Every `pg` client class in the process (MikroORM's driver may load its own copy). */
function pgClients(): { prototype: { query: Query } }[] {
  const here = createRequire(import.meta.url);
  const viaOrm = createRequire(here.resolve('@mikro-orm/postgresql'));
  return [...new Set([here('pg').Client, viaOrm('pg').Client])];
}

const shape = (q: unknown) => {
  const text = typeof q === 'string' ? q : String((q as { text?: string })?.text ?? q);
  return text.replace(/\s+/g, ' ').trim().slice(0, 60);
};

export function timeStatements() {
  const spent = new Map<string, { ms: number; n: number }>();
  let measuring = false;
  const add = (key: string, t0: number) => {
    if (!measuring) return;
    const s = spent.get(key) ?? { ms: 0, n: 0 };
    spent.set(key, { ms: s.ms + performance.now() - t0, n: s.n + 1 });
  };
  for (const Client of pgClients()) {
    const original = Client.prototype.query;
    Client.prototype.query = function (this: unknown, ...args: unknown[]) {
      const t0 = performance.now();
      const key = shape(args[0]);
      const last = args.length - 1;
      const callback = args[last];
      if (typeof callback === 'function') {
        args[last] = (...r: unknown[]) => (add(key, t0), (callback as Query)(...r));
        return original.apply(this, args);
      }
      const out = original.apply(this, args);
      if (out instanceof Promise) void out.finally(() => add(key, t0)).catch(() => {});
      return out;
    };
  }
  return {
    start: () => ((measuring = true), spent.clear()),
    /** Statements per turn, and the shapes that took most of the time (ms per turn, per call). */
    report(turns: number): string {
      const all = [...spent.values()].reduce((n, s) => n + s.n, 0);
      const top = [...spent].sort((a, b) => b[1].ms - a[1].ms).slice(0, 8);
      const per = (x: number) => (x / Math.max(1, turns)).toFixed(2);
      return (
        `${per(all)} statements per turn; most time (ms per turn, per call): ` +
        top.map(([k, s]) => `"${k}" ${per(s.ms)} (${(s.ms / s.n).toFixed(1)})`).join(', ')
      );
    },
  };
}
