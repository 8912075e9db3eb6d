import { App, SocketModeReceiver, webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import type { SlackConfig } from '../../config';
import type { Clock, InboundEvent } from '../../kernel/types';
import type { EventHandler } from '../../runtime/handle-event';
import type { HomeSource } from '../../runtime/home';
import type { PlatformAdapter } from '../../runtime/platform';
import { boltLogger } from './bolt-logger';
import {
  isPersonMessage,
  parsePulseCommand,
  type SlackMessageEvent,
  slackChat,
  slackToPlain,
} from './events';
import { homeTarget, homeView } from './home-view';
import { SlackMessenger } from './messenger';
import { PulseSlackReceiver } from './receiver';
import { ResponseUrls } from './response-urls';
import { SlackUsers } from './users';

export interface SlackPlatform extends PlatformAdapter {
  readonly app: App;
  readonly messenger: SlackMessenger;
  readonly mode: 'http' | 'socket';
}

interface ActionBody {
  trigger_id?: string;
  view?: { type?: string };
  user: { id: string; username?: string; name?: string };
  channel?: { id: string; name?: string };
  container?: { channel_id?: string; message_ts?: string; is_ephemeral?: boolean };
  message?: { ts?: string };
  response_url?: string;
}

/**
 * Slack through bolt: one `/pulse` slash command with subcommands, Block Kit buttons, channel and
 * DM messages, channel joins and leaves. HTTP mode serves the Events API on Pulse's HTTP server
 * (signature checked, retries deduplicated in the database); Socket Mode when an app token is set.
 */
export function createSlackPlatform(options: {
  config: SlackConfig;
  handle: EventHandler;
  logger: Logger;
  clock: Clock;
  /** A person's page for the Home tab; without it, no Home tab is published. */
  home?: HomeSource;
}): SlackPlatform {
  const { config, handle, logger, clock, home } = options;
  const now = () => clock.now().getTime();
  const log = boltLogger(logger);
  const receiver = config.appToken
    ? new SocketModeReceiver({ appToken: config.appToken, logger: log })
    : new PulseSlackReceiver({
        signingSecret: config.signingSecret!,
        path: config.eventsPath,
        clock,
        logger,
      });
  const app = new App({
    token: config.botToken,
    receiver,
    logger: log,
    deferInitialization: true,
    clientOptions: { slackApiUrl: config.apiUrl, retryConfig: webApi.retryPolicies.fiveRetriesInFiveMinutes },
  });
  const responseUrls = new ResponseUrls(now);
  const messenger = new SlackMessenger(app.client, responseUrls);
  const users = new SlackUsers(app.client, now);
  // Socket Mode redelivers unacknowledged envelopes too: every process dedups in the database.
  const deliver = (event: InboundEvent) => handle(event, { dedup: 'database' });

  app.command('/pulse', async ({ ack, command }) => {
    await ack();
    responseUrls.remember(command.channel_id, command.user_id, command.response_url);
    await deliver({
      kind: 'command',
      updateId: `cmd:${command.trigger_id}`,
      chat: slackChat(
        command.channel_id,
        command.channel_name === 'directmessage' ? undefined : command.channel_name,
      ),
      from: await users.get(command.user_id, command.user_name),
      ...parsePulseCommand(command.text ?? ''),
    });
  });

  /** People who opened their Home tab lately: their page is republished after each of their presses. */
  const homeViewers = new Set<string>();
  const publishHome = async (userId: string, dm?: string, notice?: string) => {
    if (!home) return;
    try {
      const from = await users.get(userId);
      const dmChannel = dm ?? (await messenger.dmChannel(userId));
      const page = await home(from, slackChat(dmChannel, undefined, 'im'));
      // Block Kit as plain JSON: the fake Slack and Slack itself check its shape.
      const view = homeView(page, notice) as unknown as webApi.ViewsPublishArguments['view'];
      await app.client.views.publish({ user_id: userId, view });
      homeViewers.delete(userId);
      homeViewers.add(userId);
      if (homeViewers.size > 10_000) homeViewers.delete(homeViewers.values().next().value as string);
    } catch (error) {
      logger.warn({ err: error, platform: 'slack' }, 'home tab not published');
    }
  };

  app.event('app_home_opened', async ({ event }) => {
    const opened = event as { user: string; tab?: string; channel?: string };
    if (opened.tab !== undefined && opened.tab !== 'home') return;
    await publishHome(opened.user, opened.channel);
  });

  // A press on the Home tab counts as a press in the chat the item was delivered to (its unit's
  // tally or ledger); its answer is shown at the top of the republished page.
  app.action(/^pulse\.home\./, async ({ ack, body, action }) => {
    await ack();
    const press = body as unknown as ActionBody;
    const { block_id: blockId, value } = action as { block_id?: string; value?: string };
    const target = blockId ? homeTarget(blockId) : undefined;
    if (!target || value === undefined) return;
    const from = await users.get(press.user.id, press.user.username ?? press.user.name);
    const pressId = messenger.homePressId(press.user.id, press.trigger_id ?? `${Date.now()}`);
    try {
      await deliver({
        kind: 'button',
        updateId: press.trigger_id ? `act:${press.trigger_id}` : undefined,
        chat: target,
        from,
        data: value,
        pressId,
      });
    } finally {
      await publishHome(press.user.id, undefined, messenger.takeHomeAnswer(pressId));
    }
  });

  app.action(/^pulse\.(btn|dm)\./, async ({ ack, body, action }) => {
    await ack();
    const press = body as unknown as ActionBody;
    const { action_id: actionId, value } = action as { action_id: string; value?: string };
    const channelId = press.channel?.id ?? press.container?.channel_id;
    if (!channelId || value === undefined) return;
    responseUrls.remember(channelId, press.user.id, press.response_url);
    const from = await users.get(press.user.id, press.user.username ?? press.user.name);
    const updateId = `act:${press.trigger_id ?? `${channelId}:${press.container?.message_ts}:${actionId}`}`;
    if (actionId.startsWith('pulse.dm.')) {
      // Telegram opens the DM with /start <token>; on Slack the button does it directly.
      const dm = await messenger.dmChannel(press.user.id);
      await deliver({
        kind: 'command',
        updateId,
        chat: slackChat(dm, undefined, 'im'),
        from,
        name: 'start',
        args: value,
      });
      return;
    }
    const chat = slackChat(channelId, press.channel?.name);
    const ts = press.message?.ts ?? press.container?.message_ts;
    await deliver({
      kind: 'button',
      updateId,
      chat,
      from,
      data: value,
      pressId: `${channelId}|${press.user.id}`,
      message: ts && !press.container?.is_ephemeral ? { chat, messageId: ts } : undefined,
    });
    // What was pressed may have closed an item of the person's page.
    if (homeViewers.has(press.user.id)) await publishHome(press.user.id);
  });

  app.event('message', async ({ event, body }) => {
    const message = event as SlackMessageEvent;
    if (!isPersonMessage(message)) return;
    await deliver({
      kind: 'message',
      updateId: (body as { event_id?: string }).event_id,
      chat: slackChat(message.channel, undefined, message.channel_type),
      from: await users.get(message.user),
      text: slackToPlain(message.text),
    });
  });

  for (const [name, kind] of [
    ['member_joined_channel', 'member_joined'],
    ['member_left_channel', 'member_left'],
  ] as const) {
    app.event(name, async ({ event, body, context }) => {
      const { user, channel } = event as { user: string; channel: string };
      // bolt keeps these events when they are about the bot itself; Pulse does not count the bot.
      if (user === context.botUserId) return;
      await deliver({
        kind,
        updateId: (body as { event_id?: string }).event_id,
        chat: slackChat(channel),
        from: await users.get(user),
      });
    });
  }

  app.error(async (error) => {
    logger.error({ err: error, platform: 'slack' }, 'slack listener failed');
  });

  return {
    app,
    messenger,
    mode: config.appToken ? 'socket' : 'http',
    routes: receiver instanceof PulseSlackReceiver ? [receiver.route] : [],
    async start() {
      await app.init();
      await receiver.start();
      logger.info({ platform: 'slack', mode: config.appToken ? 'socket' : 'http' }, 'slack started');
    },
    async stop() {
      await receiver.stop();
    },
  };
}
