import { describe, expect, it } from 'vitest';
import { ConfigError, createConfig } from './config.js';

const failure = (env: Record<string, string>) => {
  try {
    createConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected the configuration to be refused');
};

describe('configuration', () => {
  it('treats an empty variable as an unset one (docker compose passes ${X:-} as "")', () => {
    const c = createConfig({
      PORT: '',
      DATABASE_URL: '',
      SESSION_SECRET: '',
      TELEGRAM_BOT_TOKEN: '',
      TELEGRAM_WEBHOOK_URL: '',
      TELEGRAM_WEBHOOK_SECRET: '',
      DISCORD_TOKEN: '',
      DISCORD_APPLICATION_ID: '',
      DISCORD_PUBLIC_KEY: '',
      DISCORD_GUILD_ID: ' ',
      LOG_PRETTY: '',
    });
    expect(c.PORT).toBe(3000);
    expect(c.DATABASE_URL).toBeUndefined();
    expect(c.SESSION_SECRET).toBeUndefined();
    expect(c.DISCORD_GUILD_ID).toBeUndefined();
  });

  it('leaves LOG_PRETTY undefined when unset, so logs are pretty exactly when stdout is a terminal', () => {
    expect(createConfig({}).LOG_PRETTY).toBeUndefined();
    expect(createConfig({ LOG_PRETTY: 'true' }).LOG_PRETTY).toBe(true);
    expect(createConfig({ LOG_PRETTY: 'no' }).LOG_PRETTY).toBe(false);
  });

  it('takes numbers in decimal digits only', () => {
    expect(createConfig({ PORT: '8080', HOLD_DEFAULT_TTL_SECONDS: '45' })).toMatchObject({
      PORT: 8080,
      HOLD_DEFAULT_TTL_SECONDS: 45,
    });
    for (const port of ['0x10', '1e3', '3.5', 'abc', '70000', '-1'])
      expect(failure({ PORT: port })).toMatch(/^invalid configuration: PORT: /);
  });

  it('reads rate limits as <count>/<seconds> or off, and TRUST_PROXY as a switch or a hop count', () => {
    const d = createConfig({});
    expect(d.RATE_LIMIT_CHAT_SESSION).toEqual({ points: 60, seconds: 60 });
    expect(d.TRUST_PROXY).toBe(0);
    const c = createConfig({
      RATE_LIMIT_CHAT_IP: '5/10',
      RATE_LIMIT_REDEEM_USER: 'off',
      TRUST_PROXY: 'true',
      WEB_SESSION_TTL_HOURS: '2',
    });
    expect(c).toMatchObject({
      RATE_LIMIT_CHAT_IP: { points: 5, seconds: 10 },
      RATE_LIMIT_REDEEM_USER: null,
      TRUST_PROXY: 1,
      WEB_SESSION_TTL_HOURS: 2,
    });
    expect(createConfig({ TRUST_PROXY: '2' }).TRUST_PROXY).toBe(2);
    for (const v of ['5', '0/60', '5/0', '1e3/60', 'many'])
      expect(failure({ RATE_LIMIT_CHAT_IP: v })).toMatch(
        /^invalid configuration: RATE_LIMIT_CHAT_IP: /,
      );
    expect(failure({ TRUST_PROXY: 'maybe' })).toMatch(/TRUST_PROXY: /);
    expect(failure({ WEB_SESSION_TTL_HOURS: '0' })).toMatch(/WEB_SESSION_TTL_HOURS: /);
  });

  it('wants a PostgreSQL URL that names its database', () => {
    expect(createConfig({ DATABASE_URL: 'postgres://u@db:5432/xuefen' }).DATABASE_URL).toBe(
      'postgres://u@db:5432/xuefen',
    );
    expect(failure({ DATABASE_URL: 'postgres://' })).toBe(
      'invalid configuration: DATABASE_URL: must name a database, e.g. postgres://user@host:5432/xuefen',
    );
    expect(failure({ DATABASE_URL: 'mysql://u@db/x' })).toMatch(
      /DATABASE_URL: must be a postgres:\/\/ URL/,
    );
  });

  it('runs the sandbox payment provider by default only outside production, and in production only when opted in', () => {
    expect(createConfig({}).PAYMENT_PROVIDER).toBe('sandbox');
    expect(createConfig({ NODE_ENV: 'test' }).PAYMENT_PROVIDER).toBe('sandbox');
    expect(createConfig({ NODE_ENV: 'production' }).PAYMENT_PROVIDER).toBe('none');
    expect(createConfig({ NODE_ENV: 'production', PAYMENT_PROVIDER: '' }).PAYMENT_PROVIDER).toBe(
      'none',
    );
    expect(
      createConfig({ NODE_ENV: 'development', PAYMENT_PROVIDER: 'none' }).PAYMENT_PROVIDER,
    ).toBe('none');
    const refused = failure({ NODE_ENV: 'production', PAYMENT_PROVIDER: 'sandbox' });
    expect(refused.split('\n')).toHaveLength(1);
    expect(refused).toMatch(
      /^invalid configuration: PAYMENT_PROVIDER: sandbox payments take no real money; .*PAYMENT_SANDBOX_IN_PRODUCTION=true/,
    );
    expect(
      failure({
        NODE_ENV: 'production',
        PAYMENT_PROVIDER: 'sandbox',
        PAYMENT_SANDBOX_IN_PRODUCTION: 'false',
      }),
    ).toMatch(/PAYMENT_PROVIDER: /);
    expect(
      createConfig({
        NODE_ENV: 'production',
        PAYMENT_PROVIDER: 'sandbox',
        PAYMENT_SANDBOX_IN_PRODUCTION: 'true',
      }),
    ).toMatchObject({
      PAYMENT_PROVIDER: 'sandbox',
      PAYMENT_SANDBOX_IN_PRODUCTION: true,
    });
    expect(failure({ PAYMENT_PROVIDER: 'stripe' })).toMatch(
      /^invalid configuration: PAYMENT_PROVIDER: /,
    );
    expect(failure({ PAYMENT_SANDBOX_IN_PRODUCTION: 'maybe' })).toMatch(
      /^invalid configuration: PAYMENT_SANDBOX_IN_PRODUCTION: /,
    );
  });

  it('names every bad variable on one line', () => {
    const message = failure({ PORT: 'x', LOG_LEVEL: 'loud', ADMIN_API_KEYS: 'short' });
    expect(message.split('\n')).toHaveLength(1);
    for (const name of ['PORT', 'LOG_LEVEL', 'ADMIN_API_KEYS'])
      expect(message).toContain(`${name}: `);
  });
  it('points PUBLIC_URL at PORT when PUBLIC_URL is unset, so pay and invite links reach this server', () => {
    expect(createConfig({}).PUBLIC_URL).toBe('http://localhost:3000');
    expect(createConfig({ PORT: '3451' }).PUBLIC_URL).toBe('http://localhost:3451');
    expect(createConfig({ PORT: '3451', PUBLIC_URL: '' }).PUBLIC_URL).toBe('http://localhost:3451');
    expect(
      createConfig({ PORT: '3451', PUBLIC_URL: 'https://points.example.com' }).PUBLIC_URL,
    ).toBe('https://points.example.com');
  });

  it('takes METRICS_PORT and METRICS_TOKEN, both optional', () => {
    const plain = createConfig({});
    expect([plain.METRICS_PORT, plain.METRICS_TOKEN]).toEqual([undefined, undefined]);
    expect(
      createConfig({ METRICS_PORT: '3459', METRICS_TOKEN: 'scrape-token-0123456789' }),
    ).toMatchObject({ METRICS_PORT: 3459, METRICS_TOKEN: 'scrape-token-0123456789' });
    expect(failure({ METRICS_TOKEN: 'short' })).toMatch(/METRICS_TOKEN: /);
    expect(failure({ METRICS_PORT: '3000' })).toMatch(/METRICS_PORT: must differ from PORT/);
  });
});
