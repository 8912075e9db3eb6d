/**
 * A send that failed. `permanent` means retrying cannot help (the bot was removed from the
 * chat, the chat or user does not exist, the user never opened a DM with the bot).
 */
export class DeliveryError extends Error {
  override name = 'DeliveryError';
  constructor(
    message: string,
    readonly permanent: boolean,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}
