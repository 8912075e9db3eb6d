import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../bot/config';

const TOKEN = '123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ';

function errorOf(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('config', () => {
  it('defaults to the embedded database, Vietnamese, Ho Chi Minh City time and the sandbox', () => {
    const config = loadConfig({});
    expect(config.database).toEqual({ databaseUrl: undefined, pgliteDir: './data/pglite' });
    expect(config.locale).toBe('vi');
    expect(config.timezone).toBe('Asia/Ho_Chi_Minh');
    expect(config.sandbox).toEqual({ enabled: true, host: '127.0.0.1' });
    expect(config.http).toEqual({ port: 3000, host: '127.0.0.1' });
    expect(config.telegram).toBeUndefined();
  });

  it('turns the sandbox off when a token is set, unless SANDBOX=on', () => {
    const withToken = loadConfig({ TELEGRAM_BOT_TOKEN: TOKEN });
    expect(withToken.sandbox.enabled).toBe(false);
    expect(withToken.http.host).toBe('0.0.0.0');
    expect(withToken.telegram?.apiRoot).toBe('https://api.telegram.org');
    expect(loadConfig({ TELEGRAM_BOT_TOKEN: TOKEN, SANDBOX: 'on' }).sandbox.enabled).toBe(true);
  });

  it('parses bootstrap admins and webhook settings', () => {
    const config = loadConfig({
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_WEBHOOK_URL: 'https://pulse.example.vn/telegram/hook',
      TELEGRAM_WEBHOOK_SECRET: 's3cret_token',
      BOT_ADMINS: 'telegram:123456, slack:U0123',
      TZ: 'Asia/Bangkok',
    });
    expect(config.bootstrapAdmins).toEqual([
      { platform: 'telegram', externalId: '123456' },
      { platform: 'slack', externalId: 'U0123' },
    ]);
    expect(config.telegram?.webhook).toEqual({
      url: 'https://pulse.example.vn/telegram/hook',
      secret: 's3cret_token',
    });
    expect(config.timezone).toBe('Asia/Bangkok');
  });

  it.each([
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL must be a postgres:// or postgresql:// URL'],
    [{ TELEGRAM_BOT_TOKEN: 'abc' }, 'TELEGRAM_BOT_TOKEN must be a token from @BotFather'],
    [
      { TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_WEBHOOK_URL: 'https://x.vn/h' },
      'TELEGRAM_WEBHOOK_SECRET must be set when TELEGRAM_WEBHOOK_URL is set',
    ],
    [
      { BOT_ADMINS: 'telegram:1,whatsapp:2' },
      'BOT_ADMINS must be a comma-separated list of platform:user_id',
    ],
    [{ PORT: 'eighty' }, 'PORT must be a port number'],
    [{ BOT_TIMEZONE: 'Mars/Olympus' }, 'BOT_TIMEZONE must be an IANA time zone'],
    [{ BOT_LOCALE: 'fr' }, 'BOT_LOCALE must be vi or en'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL must be one of'],
  ])('names the variable and what it expects: %j', (env, expected) => {
    expect(errorOf(env)).toContain(expected);
  });
});
