/**
 * A thin client for the Zalo Bot Platform API: POST JSON to `<apiRoot>/bot<TOKEN>/<method>`, answers
 * `{ ok, result }` or `{ ok: false, error_code, description }`. No maintained SDK lets the base URL be
 * set (tests point it at a local fake), hence this file. Error messages never carry the URL: it holds
 * the token.
 */
export class ZaloApiError extends Error {
  override name = 'ZaloApiError';
  constructor(
    readonly method: string,
    readonly code: number,
    readonly description: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(`zalo ${method}: ${description} (${code})`);
  }
}

export interface ZaloUser {
  id: string;
  display_name?: string;
  first_name?: string;
  name?: string;
  is_bot?: boolean;
}
export interface ZaloMessage {
  message_id: string;
  date?: number;
  chat: { id: string; chat_type?: 'PRIVATE' | 'GROUP' | string };
  from?: ZaloUser;
  text?: string;
}
export interface ZaloUpdate {
  event_name?: string;
  message?: ZaloMessage;
}
export interface ZaloBotInfo {
  id: string;
  account_name?: string;
  display_name?: string;
  can_join_groups?: boolean;
}

export interface ZaloClientOptions {
  token: string;
  apiRoot: string;
  /** Attempts for a call refused with 429 "Quota exceeded" or a 5xx. */
  attempts?: number;
  /** First wait when the API gives no Retry-After; doubles each attempt. */
  retryBaseMs?: number;
}

/** getUpdates answers 408 when nothing arrived within the timeout: not an error. */
const POLL_TIMEOUT_CODE = 408;

export class ZaloClient {
  private readonly base: string;
  private readonly attempts: number;
  private readonly retryBaseMs: number;

  constructor(options: ZaloClientOptions) {
    this.base = `${options.apiRoot.replace(/\/+$/, '')}/bot${options.token}`;
    this.attempts = options.attempts ?? 5;
    this.retryBaseMs = options.retryBaseMs ?? 1000;
  }

  getMe(): Promise<ZaloBotInfo> {
    return this.call('getMe', {});
  }

  /** Long polling: waits up to `timeoutSeconds` for updates; [] when none came. */
  async getUpdates(timeoutSeconds: number, signal?: AbortSignal): Promise<ZaloUpdate[]> {
    try {
      const result = await this.call<unknown>('getUpdates', { timeout: String(timeoutSeconds) }, signal, 1);
      return updatesOf(result);
    } catch (error) {
      if (error instanceof ZaloApiError && error.code === POLL_TIMEOUT_CODE) return [];
      throw error;
    }
  }

  setWebhook(url: string, secretToken: string): Promise<unknown> {
    return this.call('setWebhook', { url, secret_token: secretToken });
  }

  deleteWebhook(): Promise<unknown> {
    return this.call('deleteWebhook', {});
  }

  /** Text of 1 to 2,000 characters. */
  sendMessage(chatId: string, text: string): Promise<{ message_id: string; date?: number }> {
    return this.call('sendMessage', { chat_id: chatId, text });
  }

  sendPhoto(chatId: string, photoUrl: string, caption?: string): Promise<{ message_id: string }> {
    return this.call('sendPhoto', { chat_id: chatId, photo: photoUrl, ...(caption ? { caption } : {}) });
  }

  sendChatAction(chatId: string, action: 'typing' | 'upload_photo'): Promise<unknown> {
    return this.call('sendChatAction', { chat_id: chatId, action });
  }

  async call<T>(method: string, params: object, signal?: AbortSignal, attempts = this.attempts): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.once<T>(method, params, signal);
      } catch (error) {
        const retryable =
          error instanceof ZaloApiError && (error.code === 429 || error.code >= 500) && attempt < attempts;
        if (!retryable || signal?.aborted) throw error;
        const waitMs = error.retryAfterSeconds
          ? error.retryAfterSeconds * 1000
          : this.retryBaseMs * 2 ** (attempt - 1);
        await new Promise((resolve) => setTimeout(resolve, waitMs));
      }
    }
  }

  private async once<T>(method: string, params: object, signal?: AbortSignal): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${this.base}/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(params),
        signal,
      });
    } catch (error) {
      if (signal?.aborted) throw error;
      throw new ZaloApiError(method, 503, `network error: ${(error as Error).message}`);
    }
    const retryAfter = Number(response.headers.get('retry-after')) || undefined;
    const body = (await response.json().catch(() => null)) as {
      ok?: boolean;
      result?: T;
      error_code?: number;
      description?: string;
    } | null;
    if (response.ok && body?.ok) return body.result as T;
    const code = body?.error_code ?? response.status;
    throw new ZaloApiError(method, code, body?.description ?? response.statusText, retryAfter);
  }
}

/** The API documents one update per getUpdates answer; a list is read too, in case it batches. */
export function updatesOf(result: unknown): ZaloUpdate[] {
  if (!result) return [];
  if (Array.isArray(result)) return result.filter(isUpdate);
  const batch = (result as { updates?: unknown }).updates;
  if (Array.isArray(batch)) return batch.filter(isUpdate);
  return isUpdate(result) ? [result] : [];
}

function isUpdate(value: unknown): value is ZaloUpdate {
  return typeof value === 'object' && value !== null && ('message' in value || 'event_name' in value);
}
