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
    expect(config.sandbox).toEqual({ enabled: true, host: '127.0.0.1', data: 'demo' });
    expect(loadConfig({ SANDBOX_DATA: 'simulated' }).sandbox.data).toBe('simulated');
    expect(() => loadConfig({ SANDBOX_DATA: 'real' })).toThrow(/SANDBOX_DATA/);
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

  it('reads Slack in HTTP mode or Socket Mode, and Zalo by long polling or webhook', () => {
    const http = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1-2-abc', SLACK_SIGNING_SECRET: 'abcdef0123456789' });
    expect(http.slack).toEqual({
      botToken: 'xoxb-1-2-abc',
      signingSecret: 'abcdef0123456789',
      appToken: undefined,
      apiUrl: 'https://slack.com/api/',
      eventsPath: '/slack/events',
    });
    expect(http.sandbox.enabled).toBe(false);
    const socket = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1-2-abc', SLACK_APP_TOKEN: 'xapp-1-A1-xyz' });
    expect(socket.slack?.appToken).toBe('xapp-1-A1-xyz');
    expect(socket.slack?.signingSecret).toBeUndefined();

    const zalo = loadConfig({
      ZALO_BOT_TOKEN: '1459232241454765289:AbC-dEf_123',
      ZALO_WEBHOOK_URL: 'https://pulse.example.vn/zalo/hook',
      ZALO_WEBHOOK_SECRET: 'zalo_secret_123',
    });
    expect(zalo.zalo).toEqual({
      token: '1459232241454765289:AbC-dEf_123',
      apiRoot: 'https://bot-api.zaloplatforms.com',
      webhook: { url: 'https://pulse.example.vn/zalo/hook', secret: 'zalo_secret_123' },
    });
    expect(zalo.sandbox.enabled).toBe(false);
    expect(loadConfig({ ZALO_BOT_TOKEN: '1:a', SANDBOX: 'on' }).sandbox.enabled).toBe(true);
    expect(loadConfig({ ZALO_BOT_TOKEN: '1:a' }).zalo?.webhook).toBeUndefined();
  });

  it('reads the Zalo Official Account with its default roots and webhook path', () => {
    const config = loadConfig({
      ZALO_OA_APP_ID: '3482178216594085616',
      ZALO_OA_APP_SECRET: 'app-secret-123',
      ZALO_OA_SECRET_KEY: 'oa-secret-key-123',
      ZALO_OA_REFRESH_TOKEN: 'refresh-token-0123456789',
    });
    expect(config.zaloOa).toEqual({
      appId: '3482178216594085616',
      appSecret: 'app-secret-123',
      oaSecretKey: 'oa-secret-key-123',
      refreshToken: 'refresh-token-0123456789',
      apiRoot: 'https://openapi.zalo.me',
      oauthRoot: 'https://oauth.zaloapp.com',
      webhookPath: '/zalo-oa/webhook',
    });
    expect(config.sandbox.enabled).toBe(false);
    expect(loadConfig({ BOT_ADMINS: 'zalo-oa:123456' }).bootstrapAdmins).toEqual([
      { platform: 'zalo-oa', externalId: '123456' },
    ]);
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
    [{ SLACK_BOT_TOKEN: 'xoxp-user-token' }, 'SLACK_BOT_TOKEN must be the Bot User OAuth Token'],
    [{ SLACK_BOT_TOKEN: 'xoxb-1-2-abc' }, 'SLACK_SIGNING_SECRET must be set when SLACK_BOT_TOKEN is set'],
    [{ SLACK_APP_TOKEN: 'xapp-1-A1-xyz' }, 'SLACK_APP_TOKEN must be used only with SLACK_BOT_TOKEN'],
    [{ SLACK_API_URL: 'slack' }, 'SLACK_API_URL must be an http(s) URL'],
    [{ ZALO_BOT_TOKEN: 'no-colon' }, 'ZALO_BOT_TOKEN must be the Bot Token from Zalo Bot Creator'],
    [
      { ZALO_BOT_TOKEN: '1:a', ZALO_WEBHOOK_URL: 'https://x.vn/z' },
      'ZALO_WEBHOOK_SECRET must be set when ZALO_WEBHOOK_URL is set',
    ],
    [{ ZALO_WEBHOOK_SECRET: 'short' }, 'ZALO_WEBHOOK_SECRET must be 8–256 characters'],
    [{ ZALO_OA_APP_ID: 'abc' }, 'ZALO_OA_APP_ID must be the numeric App ID'],
    [
      { ZALO_OA_APP_ID: '3482178216594085616' },
      'ZALO_OA_SECRET_KEY must be set for the Zalo Official Account too',
    ],
    [{ ZALO_OA_REFRESH_TOKEN: 'short' }, 'ZALO_OA_REFRESH_TOKEN must be the refresh token'],
    [{ ZALO_OA_API_ROOT: 'file:///etc' }, 'ZALO_OA_API_ROOT must be an http(s) URL'],
    [{ ZALO_OA_WEBHOOK_PATH: 'no-slash' }, 'ZALO_OA_WEBHOOK_PATH must be a path on this server'],
  ])('names the variable and what it expects: %j', (env, expected) => {
    expect(errorOf(env)).toContain(expected);
  });
});
