import { z } from 'zod';
import { LOCALES, type Locale } from './kernel/i18n';
import { parseDuration } from './kernel/time';
import { PLATFORMS, type Platform } from './kernel/types';

const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

const url = (expects: string) =>
  z
    .string()
    .trim()
    .refine((value) => URL.canParse(value), { message: expects });

/** An http(s) URL (a platform's API server); ftp:, file:, javascript: … are refused. */
const httpUrl = (expects: string) =>
  url(expects).refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol), {
    message: expects,
  });

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** A public webhook URL: https, or http only to this machine (tests and local fakes). */
const webhookUrl = (expects: string) =>
  url(expects).refine(
    (value) => {
      if (!URL.canParse(value)) return false;
      const parsed = new URL(value);
      return (
        parsed.protocol === 'https:' || (parsed.protocol === 'http:' && LOOPBACK_HOSTS.has(parsed.hostname))
      );
    },
    { message: expects },
  );

const duration = (fallback: string, min: number) =>
  optionalText
    .transform((value) => {
      const ms = parseDuration(value ?? fallback);
      return ms === undefined ? undefined : ms / 1000;
    })
    .pipe(
      z
        .number({ message: `a duration like 30s, 90m, 6h or 2d (at least ${min}s)` })
        .min(min, `a duration like 30s, 90m, 6h or 2d (at least ${min}s)`),
    );

/** "30/s" or "20/m" → events per window. */
const rate = (fallback: string) =>
  optionalText.transform((value, ctx) => {
    const match = /^(\d+(?:\.\d+)?)\s*\/\s*(s|m)$/.exec(value ?? fallback);
    if (!match || Number(match[1]) <= 0) {
      ctx.addIssue({ code: 'custom', message: `a rate like 30/s or 20/m (got "${value}")` });
      return z.NEVER;
    }
    return { count: Number(match[1]), perMs: match[2] === 's' ? 1000 : 60_000 };
  });

const bootstrapAdmin = z.string().regex(new RegExp(`^(${PLATFORMS.join('|')}):[A-Za-z0-9_-]+$`), {
  message: 'a comma-separated list of platform:user_id, e.g. telegram:123456,slack:U0123',
});

const envSchema = z
  .object({
    DATABASE_URL: optionalText.pipe(
      url('a postgres:// or postgresql:// URL, or unset for the embedded database')
        .refine((value) => /^postgres(ql)?:\/\//.test(value), {
          message: 'a postgres:// or postgresql:// URL, or unset for the embedded database',
        })
        .optional(),
    ),
    PGLITE_DIR: optionalText.default('./data/pglite'),
    TELEGRAM_BOT_TOKEN: optionalText.pipe(
      z
        .string()
        .regex(/^\d+:[A-Za-z0-9_-]{20,}$/, { message: 'a token from @BotFather, like 123456:ABC-DEF…' })
        .optional(),
    ),
    TELEGRAM_API_ROOT: optionalText.pipe(httpUrl('an http(s) URL of the Bot API server').optional()),
    TELEGRAM_WEBHOOK_URL: optionalText.pipe(
      webhookUrl(
        'the public https URL Telegram should post updates to (http only for 127.0.0.1/localhost)',
      ).optional(),
    ),
    TELEGRAM_WEBHOOK_SECRET: optionalText.pipe(
      z
        .string()
        .regex(/^[A-Za-z0-9_-]{1,256}$/, { message: '1–256 characters from A–Z a–z 0–9 _ -' })
        .optional(),
    ),
    SLACK_BOT_TOKEN: optionalText.pipe(
      z
        .string()
        .regex(/^xoxb-[A-Za-z0-9-]+$/, { message: 'the Bot User OAuth Token of your Slack app, xoxb-…' })
        .optional(),
    ),
    SLACK_SIGNING_SECRET: optionalText.pipe(
      z
        .string()
        .regex(/^[A-Za-z0-9]{8,128}$/, {
          message: 'the Signing Secret from your Slack app’s Basic Information',
        })
        .optional(),
    ),
    SLACK_APP_TOKEN: optionalText.pipe(
      z
        .string()
        .regex(/^xapp-[A-Za-z0-9-]+$/, { message: 'an app-level token with connections:write, xapp-…' })
        .optional(),
    ),
    SLACK_API_URL: optionalText.pipe(
      httpUrl('an http(s) URL of the Slack Web API, e.g. https://slack.com/api/').optional(),
    ),
    ZALO_BOT_TOKEN: optionalText.pipe(
      z
        .string()
        .regex(/^[^\s/:]+:[^\s/]+$/, {
          message: 'the Bot Token from Zalo Bot Creator, like 1234567890:abcDEF…',
        })
        .optional(),
    ),
    ZALO_API_ROOT: optionalText.pipe(httpUrl('an http(s) URL of the Zalo Bot API server').optional()),
    ZALO_WEBHOOK_URL: optionalText.pipe(
      webhookUrl(
        'the public https URL Zalo should post updates to (http only for 127.0.0.1/localhost)',
      ).optional(),
    ),
    ZALO_WEBHOOK_SECRET: optionalText.pipe(
      z
        .string()
        .regex(/^[A-Za-z0-9_-]{8,256}$/, { message: '8–256 characters from A–Z a–z 0–9 _ -' })
        .optional(),
    ),
    ZALO_OA_APP_ID: optionalText.pipe(
      z
        .string()
        .regex(/^\d{5,32}$/, { message: 'the numeric App ID of your app on developers.zalo.me' })
        .optional(),
    ),
    ZALO_OA_APP_SECRET: optionalText.pipe(
      z
        .string()
        .regex(/^[A-Za-z0-9_-]{8,128}$/, {
          message: 'the app’s Secret Key (developers.zalo.me → your app → Settings), used to renew tokens',
        })
        .optional(),
    ),
    ZALO_OA_SECRET_KEY: optionalText.pipe(
      z
        .string()
        .regex(/^[A-Za-z0-9_-]{8,128}$/, {
          message: 'the OA Secret Key (your app → Webhook → OA Secret Key), which signs the webhooks',
        })
        .optional(),
    ),
    ZALO_OA_REFRESH_TOKEN: optionalText.pipe(
      z
        .string()
        .regex(/^[A-Za-z0-9_.-]{16,2048}$/, {
          message: 'the refresh token from the OA authorisation (used once, then kept in the database)',
        })
        .optional(),
    ),
    ZALO_OA_API_ROOT: optionalText.pipe(httpUrl('an http(s) URL of the Zalo OA Open API').optional()),
    ZALO_OA_OAUTH_ROOT: optionalText.pipe(httpUrl('an http(s) URL of the Zalo OAuth server').optional()),
    ZALO_OA_WEBHOOK_PATH: optionalText.pipe(
      z
        .string()
        .regex(/^\/[A-Za-z0-9/_-]{1,200}$/, { message: 'a path on this server such as /zalo-oa/webhook' })
        .optional(),
    ),
    BOT_ADMINS: optionalText.transform((value, ctx) => {
      const entries = (value ?? '')
        .split(',')
        .map((entry) => entry.trim())
        .filter(Boolean);
      return entries.map((entry) => {
        const parsed = bootstrapAdmin.safeParse(entry);
        if (!parsed.success) {
          ctx.addIssue({ code: 'custom', message: `${parsed.error.issues[0]?.message} (got "${entry}")` });
          return { platform: 'telegram' as Platform, externalId: '' };
        }
        const [platform, externalId] = entry.split(':') as [Platform, string];
        return { platform, externalId };
      });
    }),
    PORT: optionalText
      .transform((value) =>
        value === undefined ? 3000 : /^\d{1,5}$/.test(value) ? Number(value) : Number.NaN,
      )
      .pipe(z.number({ message: 'a port number 0–65535' }).int().min(0).max(65535, 'a port number 0–65535')),
    HOST: optionalText.default('0.0.0.0'),
    BOT_TIMEZONE: optionalText,
    TZ: optionalText,
    BOT_LOCALE: optionalText.pipe(z.enum(LOCALES, { message: 'vi or en' }).default('vi')),
    LOG_LEVEL: optionalText.pipe(
      z
        .enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'], {
          message: 'one of trace, debug, info, warn, error, fatal, silent',
        })
        .default('info'),
    ),
    SANDBOX: optionalText.pipe(z.enum(['auto', 'on', 'off'], { message: 'auto, on or off' }).default('auto')),
    SANDBOX_HOST: optionalText.default('127.0.0.1'),
    SANDBOX_DATA: optionalText.pipe(
      z.enum(['demo', 'simulated'], { message: 'demo or simulated' }).default('demo'),
    ),
    DIRECTIVES_GRACE: duration('6h', 0),
    DIRECTIVES_LEASE: duration('10s', 1),
    DIRECTIVES_RATE_GLOBAL: rate('30/s'),
    DIRECTIVES_RATE_CHAT: rate('1/s'),
    DIRECTIVES_RATE_GROUP: rate('20/m'),
    DIRECTIVES_RATES_SHARED: optionalText.pipe(
      z.enum(['auto', 'on', 'off'], { message: 'auto, on or off' }).default('auto'),
    ),
    PULSE_SECRET: optionalText.pipe(
      z
        .string()
        .min(32, { message: 'at least 32 characters (e.g. openssl rand -base64 48), or unset' })
        .optional(),
    ),
  })
  .superRefine((env, ctx) => {
    if (env.TELEGRAM_WEBHOOK_URL && !env.TELEGRAM_WEBHOOK_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['TELEGRAM_WEBHOOK_SECRET'],
        message: 'set when TELEGRAM_WEBHOOK_URL is set: 1–256 characters from A–Z a–z 0–9 _ -',
      });
    }
    for (const [secret, url] of [
      ['TELEGRAM_WEBHOOK_SECRET', 'TELEGRAM_WEBHOOK_URL'],
      ['ZALO_WEBHOOK_SECRET', 'ZALO_WEBHOOK_URL'],
    ] as const) {
      if (env[secret] && !env[url]) {
        ctx.addIssue({
          code: 'custom',
          path: [secret],
          message: `used only with ${url} (webhook mode): set that too, or unset ${secret} for long polling`,
        });
      }
    }
    if (env.SLACK_BOT_TOKEN && !env.SLACK_APP_TOKEN && !env.SLACK_SIGNING_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['SLACK_SIGNING_SECRET'],
        message:
          'set when SLACK_BOT_TOKEN is set without SLACK_APP_TOKEN (HTTP mode): the Signing Secret from Basic Information',
      });
    }
    for (const name of ['SLACK_SIGNING_SECRET', 'SLACK_APP_TOKEN'] as const) {
      if (env[name] && !env.SLACK_BOT_TOKEN) {
        ctx.addIssue({
          code: 'custom',
          path: [name],
          message: 'used only with SLACK_BOT_TOKEN: set that too',
        });
      }
    }
    if (env.ZALO_WEBHOOK_URL && !env.ZALO_WEBHOOK_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['ZALO_WEBHOOK_SECRET'],
        message: 'set when ZALO_WEBHOOK_URL is set: 8–256 characters from A–Z a–z 0–9 _ -',
      });
    }
    const oaRequired = ['ZALO_OA_APP_ID', 'ZALO_OA_APP_SECRET', 'ZALO_OA_SECRET_KEY'] as const;
    const oaOptional = [
      'ZALO_OA_REFRESH_TOKEN',
      'ZALO_OA_API_ROOT',
      'ZALO_OA_OAUTH_ROOT',
      'ZALO_OA_WEBHOOK_PATH',
    ] as const;
    if ([...oaRequired, ...oaOptional].some((name) => env[name])) {
      for (const name of oaRequired) {
        if (!env[name]) {
          ctx.addIssue({
            code: 'custom',
            path: [name],
            message: `set for the Zalo Official Account too: ${oaRequired.join(', ')} are needed together (docs/platforms.md)`,
          });
        }
      }
    }
    const timezone = env.BOT_TIMEZONE ?? env.TZ;
    if (timezone && !isTimeZone(timezone)) {
      ctx.addIssue({
        code: 'custom',
        path: [env.BOT_TIMEZONE ? 'BOT_TIMEZONE' : 'TZ'],
        message: `an IANA time zone such as Asia/Ho_Chi_Minh (got "${timezone}")`,
      });
    }
  });

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

export interface TelegramConfig {
  token: string;
  apiRoot: string;
  webhook?: { url: string; secret: string };
}

export interface SlackConfig {
  botToken: string;
  /** HTTP mode (Events API on Pulse's HTTP server) verifies every request with it. */
  signingSecret?: string;
  /** Socket Mode when set: no public URL needed. */
  appToken?: string;
  apiUrl: string;
  /** Path of the one endpoint for events, slash commands and interactivity. */
  eventsPath: string;
}

export interface ZaloConfig {
  token: string;
  apiRoot: string;
  webhook?: { url: string; secret: string };
}

export interface ZaloOaConfig {
  appId: string;
  /** The app's secret key: the `secret_key` header of token renewals. */
  appSecret: string;
  /** The OA secret key: part of every webhook signature. */
  oaSecretKey: string;
  /** Seeds the database when it holds no token yet; afterwards the database's is used. */
  refreshToken?: string;
  apiRoot: string;
  oauthRoot: string;
  webhookPath: string;
}

export interface Config {
  database: { databaseUrl?: string; pgliteDir: string };
  http: { port: number; host: string };
  telegram?: TelegramConfig;
  slack?: SlackConfig;
  zalo?: ZaloConfig;
  zaloOa?: ZaloOaConfig;
  bootstrapAdmins: { platform: Platform; externalId: string }[];
  timezone: string;
  locale: Locale;
  logLevel: string;
  /** `data`: what an empty database starts with (the demo company), or `simulated` (the database `npm run simulate` filled). */
  sandbox: { enabled: boolean; host: string; data: 'demo' | 'simulated' };
  directives: DirectivesConfig;
  /** Key material for sealing anonymous-feedback reply handles; without it two-way replies are off. */
  secret?: string;
}

export interface SendRate {
  count: number;
  perMs: number;
}

/** Delivery of directive campaigns; the rates default to Telegram's published limits. */
export interface DirectivesConfig {
  /** Occurrences missed (the bot was down) are still sent when at most this late. */
  graceMs: number;
  /** A claimed send not marked within this time is taken over by another process. */
  leaseMs: number;
  rates: { global: SendRate; chat: SendRate; group: SendRate };
  /**
   * The rates hold across every process on the database (a bucket row per key in PostgreSQL, on top
   * of each process's own limiter): on by default with DATABASE_URL, off on PGlite (one process).
   */
  sharedRates: boolean;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses the environment once. Throws a ConfigError whose message is one readable line per problem. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const variable = String(issue.path[0] ?? 'environment');
      return `Config error: ${variable} must be ${issue.message}`;
    });
    throw new ConfigError(lines.join('\n'));
  }
  const e = parsed.data;
  const telegram: TelegramConfig | undefined = e.TELEGRAM_BOT_TOKEN
    ? {
        token: e.TELEGRAM_BOT_TOKEN,
        apiRoot: e.TELEGRAM_API_ROOT ?? 'https://api.telegram.org',
        webhook:
          e.TELEGRAM_WEBHOOK_URL && e.TELEGRAM_WEBHOOK_SECRET
            ? { url: e.TELEGRAM_WEBHOOK_URL, secret: e.TELEGRAM_WEBHOOK_SECRET }
            : undefined,
      }
    : undefined;
  const slack: SlackConfig | undefined = e.SLACK_BOT_TOKEN
    ? {
        botToken: e.SLACK_BOT_TOKEN,
        signingSecret: e.SLACK_SIGNING_SECRET,
        appToken: e.SLACK_APP_TOKEN,
        apiUrl: e.SLACK_API_URL ?? 'https://slack.com/api/',
        eventsPath: '/slack/events',
      }
    : undefined;
  const zalo: ZaloConfig | undefined = e.ZALO_BOT_TOKEN
    ? {
        token: e.ZALO_BOT_TOKEN,
        apiRoot: e.ZALO_API_ROOT ?? 'https://bot-api.zaloplatforms.com',
        webhook:
          e.ZALO_WEBHOOK_URL && e.ZALO_WEBHOOK_SECRET
            ? { url: e.ZALO_WEBHOOK_URL, secret: e.ZALO_WEBHOOK_SECRET }
            : undefined,
      }
    : undefined;
  const zaloOa: ZaloOaConfig | undefined =
    e.ZALO_OA_APP_ID && e.ZALO_OA_APP_SECRET && e.ZALO_OA_SECRET_KEY
      ? {
          appId: e.ZALO_OA_APP_ID,
          appSecret: e.ZALO_OA_APP_SECRET,
          oaSecretKey: e.ZALO_OA_SECRET_KEY,
          refreshToken: e.ZALO_OA_REFRESH_TOKEN,
          apiRoot: e.ZALO_OA_API_ROOT ?? 'https://openapi.zalo.me',
          oauthRoot: e.ZALO_OA_OAUTH_ROOT ?? 'https://oauth.zaloapp.com',
          webhookPath: e.ZALO_OA_WEBHOOK_PATH ?? '/zalo-oa/webhook',
        }
      : undefined;
  const anyPlatform = Boolean(telegram || slack || zalo || zaloOa);
  const sandboxEnabled = e.SANDBOX === 'on' || (e.SANDBOX === 'auto' && !anyPlatform);
  return {
    database: { databaseUrl: e.DATABASE_URL, pgliteDir: e.PGLITE_DIR },
    http: { port: e.PORT, host: sandboxEnabled ? e.SANDBOX_HOST : e.HOST },
    telegram,
    slack,
    zalo,
    zaloOa,
    bootstrapAdmins: e.BOT_ADMINS,
    timezone: e.BOT_TIMEZONE ?? e.TZ ?? 'Asia/Ho_Chi_Minh',
    locale: e.BOT_LOCALE,
    logLevel: e.LOG_LEVEL,
    sandbox: { enabled: sandboxEnabled, host: e.SANDBOX_HOST, data: e.SANDBOX_DATA },
    directives: {
      graceMs: e.DIRECTIVES_GRACE * 1000,
      leaseMs: e.DIRECTIVES_LEASE * 1000,
      rates: {
        global: e.DIRECTIVES_RATE_GLOBAL,
        chat: e.DIRECTIVES_RATE_CHAT,
        group: e.DIRECTIVES_RATE_GROUP,
      },
      sharedRates:
        e.DIRECTIVES_RATES_SHARED === 'on' ||
        (e.DIRECTIVES_RATES_SHARED === 'auto' && Boolean(e.DATABASE_URL)),
    },
    secret: e.PULSE_SECRET,
  };
}
