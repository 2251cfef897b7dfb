import { TeamsAdapter } from '@microsoft/teams-ai';
import { ActivityTypes, TestAdapter, type Activity } from 'botbuilder';
import { createBotApp, runTurn } from '../../src/teams/app';
import { CardUpdates } from '../../src/teams/cardUpdates';
import type { BotDeps } from '../../src/bot/types';
import { silentLogger, type Logger } from '../../src/logger';
import type { Notifier } from '../../src/notifications/notifier';
import { RecordingNotifier } from './recordingNotifier';
import type { AdaptiveCardJson } from '../../src/shared/types';

export interface TestUser {
  aadObjectId: string;
  name: string;
  tenantId: string;
  locale?: string;
  /** IANA time zone the user's Teams client reports (`localTimezone` and `clientInfo.timezone`). */
  timeZone?: string;
}

/** Drives the real route table through botbuilder's TestAdapter: no HTTP, no Teams. */
export class BotHarness {
  private readonly adapter: TestAdapter;

  /** What the bot told people proactively (unless the test passes a notifier of its own). */
  readonly notifier: Notifier;

  constructor(deps: Omit<BotDeps, 'notifier'> & { notifier?: Notifier }, logger: Logger = silentLogger) {
    this.notifier = deps.notifier ?? new RecordingNotifier();
    const app = createBotApp(new TeamsAdapter({}), '', { ...deps, notifier: this.notifier }, logger, new CardUpdates(logger));
    this.adapter = new TestAdapter(async (context) => {
      await runTurn(app, context);
    });
  }

  private activity(user: TestUser, partial: Partial<Activity>): Partial<Activity> {
    return {
      channelId: 'msteams',
      locale: user.locale ?? 'en-US',
      from: { id: `29:${user.aadObjectId}`, aadObjectId: user.aadObjectId, name: user.name },
      conversation: { id: `a:${user.aadObjectId}`, tenantId: user.tenantId, isGroup: false, conversationType: 'personal', name: '' },
      ...(user.timeZone
        ? { localTimezone: user.timeZone, entities: [{ type: 'clientInfo', locale: user.locale ?? 'en-US', timezone: user.timeZone }] }
        : {}),
      ...partial
    };
  }

  /** Sends a message; returns what the bot sent back. */
  async say(user: TestUser, text: string): Promise<Partial<Activity>[]> {
    this.adapter.activeQueue.length = 0;
    await this.adapter.processActivity(this.activity(user, { type: ActivityTypes.Message, text }));
    return this.adapter.activeQueue.splice(0);
  }

  /** Sends any other activity (installationUpdate, conversationUpdate…). */
  async send(user: TestUser, partial: Partial<Activity>): Promise<Partial<Activity>[]> {
    this.adapter.activeQueue.length = 0;
    await this.adapter.processActivity(this.activity(user, partial));
    return this.adapter.activeQueue.splice(0);
  }

  /** Presses an `Action.Execute` button; returns the card that replaces it (the invoke response). */
  async execute(user: TestUser, verb: string, data: Record<string, unknown>, ids: { replyToId?: string; id?: string } = {}): Promise<AdaptiveCardJson> {
    this.adapter.activeQueue.length = 0;
    await this.adapter.processActivity(
      this.activity(user, {
        type: ActivityTypes.Invoke,
        name: 'adaptiveCard/action',
        replyToId: 'card-1',
        ...ids,
        value: { action: { type: 'Action.Execute', verb, data } }
      })
    );
    const sent = this.adapter.activeQueue.splice(0);
    const invokeResponse = sent.find((a) => a.type === 'invokeResponse');
    if (!invokeResponse) throw new Error(`no invoke response for ${verb}: ${JSON.stringify(sent)}`);
    const body = (invokeResponse.value as { body: { type: string; value: AdaptiveCardJson } }).body;
    if (body.type !== 'application/vnd.microsoft.card.adaptive') throw new Error(`expected a card, got ${JSON.stringify(body)}`);
    return body.value;
  }
}

export function cardOf(activity: Partial<Activity> | undefined): AdaptiveCardJson | undefined {
  return activity?.attachments?.[0]?.content as AdaptiveCardJson | undefined;
}

/** The visible text of a card (TextBlocks, fact titles and values, labels, action titles), for asserting what a user reads. */
export function cardText(card: unknown): string {
  const parts: string[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if (['text', 'title', 'value', 'label'].includes(key) && typeof value === 'string') parts.push(value);
      else visit(value);
    }
  };
  visit(card);
  // Markdown's backslash escapes are not what a reader sees.
  return parts.join('\n').replace(/\\([!-/:-@[-`{-~])/g, '$1');
}

export function inputIds(card: AdaptiveCardJson | undefined): string[] {
  const ids: string[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    const record = node as Record<string, unknown>;
    if (typeof record.type === 'string' && record.type.startsWith('Input.') && typeof record.id === 'string') ids.push(record.id);
    Object.values(record).forEach(visit);
  };
  visit(card);
  return ids;
}
