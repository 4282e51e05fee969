import { describe, expect, it } from 'vitest';
import { databaseProbe, isDatabaseUnavailable } from './unavailable.js';

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('isDatabaseUnavailable', () => {
  it('knows the outage errors of node-postgres, knex, PostgreSQL and PGlite', () => {
    for (const err of [
      withCode('ECONNREFUSED'),
      withCode('ECONNRESET'),
      withCode('57P01'),
      withCode('57P03'),
      withCode('08006'),
      withCode('53300'),
      new Error('Connection terminated unexpectedly'),
      Object.assign(new Error('Knex: Timeout acquiring a connection. The pool is probably full.'), {
        name: 'KnexTimeoutError',
      }),
      new Error('select 1 - PGlite is closed'),
      withCode('55000', 'database "x" is not currently accepting connections'),
      // Wrapped: MikroORM keeps the driver error in `previous`, others in `cause`.
      Object.assign(new Error('wrapped'), { previous: withCode('ECONNREFUSED') }),
      new Error('outer', { cause: withCode('57P01') }),
    ])
      expect(isDatabaseUnavailable(err)).toBe(true);
  });

  it('leaves bugs and refused statements alone', () => {
    for (const err of [
      new Error('boom'),
      withCode('23505'),
      withCode('40001'),
      withCode('55000', 'lock not available'),
      'ECONNREFUSED',
      undefined,
    ]) {
      expect(isDatabaseUnavailable(err)).toBe(false);
    }
  });
});

describe('databaseProbe', () => {
  it('is true when the query answers, false when it fails or hangs', async () => {
    expect(await databaseProbe(async () => 1)()).toBe(true);
    expect(await databaseProbe(async () => Promise.reject(new Error('down')))()).toBe(false);
    expect(await databaseProbe(() => new Promise(() => {}), 20)()).toBe(false);
  });
});
