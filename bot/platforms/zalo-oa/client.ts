import type { OAuthTokens, TokenStore } from '../../runtime/platform';

/**
 * A thin client for the Zalo Official Account Open API (`<apiRoot>/v3.0/oa/…`, the access token in
 * an `access_token` header, answers `{ error: 0, data }` or `{ error: <negative code>, message }`)
 * and its OAuth server (`<oauthRoot>/v4/oa/access_token`, form-encoded, the app's secret key in a
 * `secret_key` header). Access tokens come from a TokenStore: renewed there once across processes
 * when they expire or the API calls them invalid. Error messages never carry a token.
 */
export class ZaloOaError extends Error {
  override name = 'ZaloOaError';
  constructor(
    readonly path: string,
    readonly code: number,
    readonly description: string,
  ) {
    super(`zalo-oa ${path}: ${description} (${code})`);
  }

  /** Codes Pulse reads as the OA's message quota or rate limit (see docs/platforms.md). */
  get quota(): boolean {
    return QUOTA_CODES.has(this.code) || this.code === 429 || /quota/i.test(this.description);
  }
}

/** -32: rate limit exceeded; -211: out of quota. */
export const QUOTA_CODES = new Set([-32, -211]);
/** -216: access token invalid; -124: access token expired. */
const INVALID_TOKEN_CODES = new Set([-216, -124, 401]);

export interface ZaloOaClientOptions {
  appId: string;
  appSecret: string;
  apiRoot: string;
  oauthRoot: string;
  tokens: TokenStore;
  now?: () => Date;
}

const RENEW_MARGIN_MS = 5 * 60_000;

export class ZaloOaClient {
  private readonly apiRoot: string;
  private readonly oauthRoot: string;
  private cached?: OAuthTokens;
  private readonly now: () => Date;
  /** OAuth renewals this process made (tests and metrics). */
  renewals = 0;

  constructor(private readonly options: ZaloOaClientOptions) {
    this.apiRoot = options.apiRoot.replace(/\/+$/, '');
    this.oauthRoot = options.oauthRoot.replace(/\/+$/, '');
    this.now = options.now ?? (() => new Date());
  }

  /** The OA's own profile: proves the token works at start. */
  getOa(): Promise<{ oa_id: string; name?: string }> {
    return this.call('GET', '/v2.0/oa/getoa');
  }

  sendToUser(userId: string, text: string): Promise<{ message_id: string }> {
    return this.call('POST', '/v3.0/oa/message/cs', { recipient: { user_id: userId }, message: { text } });
  }

  sendToGroup(groupId: string, text: string): Promise<{ message_id: string }> {
    return this.call('POST', '/v3.0/oa/group/message', {
      recipient: { group_id: groupId },
      message: { text },
    });
  }

  userDetail(userId: string): Promise<{ display_name?: string }> {
    return this.call(
      'GET',
      `/v3.0/oa/user/detail?data=${encodeURIComponent(JSON.stringify({ user_id: userId }))}`,
    );
  }

  private async accessToken(): Promise<string> {
    if (!this.cached || this.expiring(this.cached)) {
      const stored = await this.options.tokens.current();
      this.cached = stored && !this.expiring(stored) ? stored : await this.renew(stored?.accessToken);
    }
    return this.cached.accessToken;
  }

  private expiring(tokens: OAuthTokens): boolean {
    return tokens.expiresAt.getTime() - this.now().getTime() <= RENEW_MARGIN_MS;
  }

  private renew(stale: string | undefined): Promise<OAuthTokens> {
    return this.options.tokens.renew(stale, (refreshToken) => this.refresh(refreshToken));
  }

  /** POST /v4/oa/access_token with grant_type=refresh_token: a new access and refresh token. */
  private async refresh(refreshToken: string): Promise<OAuthTokens> {
    const path = '/v4/oa/access_token';
    let response: Response;
    try {
      response = await fetch(`${this.oauthRoot}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', secret_key: this.options.appSecret },
        body: new URLSearchParams({
          app_id: this.options.appId,
          grant_type: 'refresh_token',
          refresh_token: refreshToken,
        }),
      });
    } catch (error) {
      throw new ZaloOaError(path, 503, `network error: ${(error as Error).message}`);
    }
    const body = (await response.json().catch(() => null)) as {
      access_token?: string;
      refresh_token?: string;
      expires_in?: string | number;
      error?: number;
      error_description?: string;
      error_name?: string;
    } | null;
    const expiresIn = Number(body?.expires_in);
    if (!response.ok || !body?.access_token || !body.refresh_token || !(expiresIn > 0)) {
      throw new ZaloOaError(
        path,
        body?.error ?? response.status,
        body?.error_description ?? body?.error_name ?? 'the OAuth server gave no token',
      );
    }
    this.renewals++;
    return {
      accessToken: body.access_token,
      refreshToken: body.refresh_token,
      expiresAt: new Date(this.now().getTime() + expiresIn * 1000),
    };
  }

  private async call<T>(method: 'GET' | 'POST', path: string, body?: object): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const token = await this.accessToken();
      try {
        return await this.once<T>(method, path, token, body);
      } catch (error) {
        // The API says the token is invalid (revoked, or expired early): renew once and retry.
        if (error instanceof ZaloOaError && INVALID_TOKEN_CODES.has(error.code) && attempt === 1) {
          this.cached = await this.renew(token);
          continue;
        }
        throw error;
      }
    }
  }

  private async once<T>(method: 'GET' | 'POST', path: string, token: string, body?: object): Promise<T> {
    const name = path.split('?')[0]!;
    let response: Response;
    try {
      response = await fetch(`${this.apiRoot}${path}`, {
        method,
        headers: { 'content-type': 'application/json', access_token: token },
        body: body ? JSON.stringify(body) : undefined,
      });
    } catch (error) {
      throw new ZaloOaError(name, 503, `network error: ${(error as Error).message}`);
    }
    const answer = (await response.json().catch(() => null)) as {
      error?: number;
      message?: string;
      data?: T;
    } | null;
    if (response.ok && answer && answer.error === 0) return (answer.data ?? {}) as T;
    throw new ZaloOaError(name, answer?.error ?? response.status, answer?.message ?? response.statusText);
  }
}
