/**
 * Everything the rest of the bot gets from the Teams SDK (botbuilder + @microsoft/teams-ai), behind framework-free
 * types: the outbox's ChatSender, the settings card's team channel directory, and the handler of /api/messages that
 * runs the route table (src/bot/routes.ts). A move to another Teams SDK replaces this folder and nothing else.
 */
import { TeamsAdapter } from '@microsoft/teams-ai';
import type { BotDeps, TeamChannelDirectory } from '../bot/types';
import type { Config } from '../config';
import type { HttpDeps } from '../http/server';
import type { Logger } from '../logger';
import type { ChatSender } from '../notifications/chat';
import type { ConversationStore } from '../storage/conversationStore';
import { createBotApp, runTurn } from './app';
import { CardUpdates } from './cardUpdates';
import { TeamsChannelDirectory } from './teamChannels';
import { TeamsChatSender } from './teamsSender';

export type BotCredentials = Pick<Config, 'BOT_ID' | 'BOT_PASSWORD' | 'BOT_TYPE' | 'BOT_TENANT_ID'>;

export interface TeamsChannel {
  /** Proactive sends and in-place updates, for the outbox. */
  chat: ChatSender;
  /** The channels of the teams the bot is in, for the settings card. */
  teamChannels(conversations: ConversationStore, logger: Logger): TeamChannelDirectory;
  /** The bot's answer to /api/messages: Bot Framework auth (when BOT_ID is set), then the route table. */
  activityHandler(deps: BotDeps, logger: Logger): HttpDeps['processActivity'];
  /** Shutdown: the card updates that follow answered card actions finish; false if `deadline` (epoch ms) came first. */
  settle(deadline: number): Promise<boolean>;
}

export function createTeamsChannel(credentials: BotCredentials): TeamsChannel {
  const botAppId = credentials.BOT_ID ?? '';
  const adapter = new TeamsAdapter({
    MicrosoftAppId: botAppId,
    MicrosoftAppPassword: credentials.BOT_PASSWORD ?? '',
    MicrosoftAppType: credentials.BOT_TYPE,
    MicrosoftAppTenantId: credentials.BOT_TENANT_ID ?? ''
  });
  let cardUpdates: CardUpdates | undefined;
  return {
    chat: new TeamsChatSender(adapter, botAppId),
    teamChannels: (conversations, logger) => new TeamsChannelDirectory(adapter, botAppId, conversations, logger),
    activityHandler: (deps, logger) => {
      const updates = (cardUpdates = new CardUpdates(logger));
      const app = createBotApp(adapter, botAppId, deps, logger, updates);
      return (req, res) => adapter.process(req, res, async (context) => {
        await runTurn(app, context);
        updates.startAfterAnswer(context);
      });
    },
    settle: (deadline) => cardUpdates?.drain(deadline) ?? Promise.resolve(true)
  };
}
