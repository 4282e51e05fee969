// MikroORM 6 inlines every parameter into the SQL text before sending it (Platform.formatQuery),
// so values travel as escaped literals. On PGlite that is a defect, not a style: its knex dialect
// sends any raw text with a `;` outside the first statement down the multi-statement path, where
// bindings are dropped and results come back in another shape (a `;` in a reason answered 500
// after the grant was applied). These drivers send parameters as bound parameters on both
// databases, so a value can never change how a statement is parsed or routed.
import {
  AbstractSqlDriver,
  PostgreSqlConnection,
  PostgreSqlPlatform,
  RawQueryFragment,
  Utils,
  type Configuration,
} from '@mikro-orm/postgresql';
import type { PGliteInterface } from '@electric-sql/pglite';
import { PGliteConnection, PGliteKnexDialect, type QueryObject } from 'mikro-orm-pglite';

type Knex = ReturnType<PostgreSqlConnection['getKnex']>;
type ExecuteMethod = 'all' | 'get' | 'run';
type Connection = PostgreSqlConnection | PGliteConnection;

/**
 * A parameter as both databases take it: dates as ISO instants (right in any session time zone,
 * and what `forceUtcTimezone` meant), plain objects as JSON (node-postgres does this, PGlite would
 * send "[object Object]"), `undefined` as NULL (knex refuses undefined), raw fragments as SQL.
 */
export function toBindable(value: unknown, knex: Knex): unknown {
  if (value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (value instanceof RawQueryFragment)
    return knex.raw(value.sql, value.params.map((p) => toBindable(p, knex)) as never);
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return value.map((v) => toBindable(v, knex));
  if (Utils.isPlainObject(value)) return JSON.stringify(value);
  return value;
}

async function executeBound(
  conn: Connection,
  queryOrKnex: unknown,
  params: readonly unknown[] = [],
  method: ExecuteMethod = 'all',
  ctx?: unknown,
  loggerContext?: Record<string, unknown>,
) {
  await conn.ensureConnection();
  let sql: string;
  if (
    Utils.isObject<{
      client: { transacting?: boolean };
      toSQL(): { sql: string; bindings?: unknown[] };
    }>(queryOrKnex)
  ) {
    ctx ??= queryOrKnex.client.transacting ? queryOrKnex : undefined;
    const q = queryOrKnex.toSQL();
    sql = q.sql;
    params = q.bindings ?? [];
  } else sql = queryOrKnex as string;
  const self = conn as unknown as {
    config: Configuration;
    platform: PostgreSqlPlatform;
    getSql(query: string, formatted: string, context?: unknown): string;
    executeQuery<T>(query: string, cb: () => Promise<T>, context?: unknown): Promise<T>;
    transformRawResult<T>(res: unknown, method: ExecuteMethod): T;
  };
  sql = self.config.get('onQuery')(sql, params as unknown[]);
  const knex = conn.getKnex();
  const logger = self.config.getLogger();
  // The inlined text is built only for a query log that shows parameters; it is never executed.
  const logged = logger.isEnabled('query')
    ? self.getSql(sql, self.platform.formatQuery(sql, params as unknown[]), loggerContext)
    : sql;
  return self.executeQuery(
    logged,
    async () => {
      const bindings = params.map((p) => toBindable(p, knex));
      const query = bindings.length ? knex.raw(sql, bindings as never) : knex.raw(sql);
      if (ctx) query.transacting(ctx as never);
      return self.transformRawResult(await query, method);
    },
    { query: sql, params, ...loggerContext },
  );
}

export class BoundPostgreSqlConnection extends PostgreSqlConnection {
  override execute(...args: Parameters<PostgreSqlConnection['execute']>) {
    return executeBound(
      this,
      ...(args as Parameters<typeof executeBound> extends [unknown, ...infer R] ? R : never),
    ) as never;
  }
}

/**
 * PGlite's dialect decides by counting `;` in the text whether to use the extended protocol
 * (one statement, bound parameters) or the simple one (several statements, no parameters). With
 * parameters bound, a `;` can only come from the SQL itself; a statement with parameters always
 * goes the extended way, and one that the simple protocol ran alone answers in the same shape.
 */
class BoundPGliteKnexDialect extends PGliteKnexDialect {
  override async _query(connection: PGliteInterface, obj: QueryObject) {
    if (!obj.sql) throw new Error('The query is empty');
    if (obj.bindings?.length || obj.method !== 'raw' || !obj.sql.includes(';')) {
      obj.response = await connection.query(obj.sql, obj.bindings ?? []);
      return obj;
    }
    const results = await connection.exec(obj.sql);
    obj.response = results.length === 1 ? results[0] : results;
    return obj;
  }
}

export class BoundPGliteConnection extends PGliteConnection {
  override createKnex() {
    // The base class's wiring, with the dialect above.
    this.client = this.createKnexClient(BoundPGliteKnexDialect as never);
    const dialect = this.getKnex().client as unknown as {
      ormConfig: Configuration;
      driver: unknown;
    };
    dialect.ormConfig = this.config;
    dialect.driver = (this as unknown as { dialectDataSource: unknown }).dialectDataSource;
    this.connected = true;
  }

  override execute(...args: Parameters<PGliteConnection['execute']>) {
    return executeBound(
      this,
      ...(args as Parameters<typeof executeBound> extends [unknown, ...infer R] ? R : never),
    ) as never;
  }
}

export class BoundPostgreSqlDriver extends AbstractSqlDriver<
  BoundPostgreSqlConnection,
  PostgreSqlPlatform
> {
  constructor(config: Configuration) {
    super(config, new PostgreSqlPlatform(), BoundPostgreSqlConnection, ['knex', 'pg']);
  }
}

export class BoundPGliteDriver extends AbstractSqlDriver<
  BoundPGliteConnection,
  PostgreSqlPlatform
> {
  constructor(config: Configuration) {
    super(config, new PostgreSqlPlatform(), BoundPGliteConnection, [
      'knex',
      '@electric-sql/pglite',
      '@harryplusplus/knex-pglite',
    ]);
  }
}
