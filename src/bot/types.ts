import type { Role } from '../domain/settings';
import type { Language } from '../i18n/strings';
import type { Notifier } from '../notifications/notifier';
import type { ConversationStore } from '../storage/conversationStore';
import type { ExportInbox } from '../storage/exportInbox';
import type { JobStore } from '../storage/jobStore';
import type { SettingsReader } from '../storage/settingsStore';
import type { AdaptiveCardJson } from './cards';

/** Who is speaking to the bot, read once from the Teams activity. */
export interface Caller {
  tenantId: string;
  aadObjectId: string;
  name: string;
  language: Language;
  /** Decided on the server from the tenant's settings at every turn, never taken from a card. */
  role: Role;
}

/** What the handlers may use. Framework-free, so handlers can move to the Teams SDK unchanged. */
export interface BotDeps {
  jobs: JobStore;
  conversations: ConversationStore;
  settings: SettingsReader;
  /** ADMIN_AAD_IDS: admins whatever the stored settings say. */
  bootstrapAdmins: readonly string[];
  /** Proactive messages to people and channels (durable outbox; see src/notifications). */
  notifier: Notifier;
  now: () => Date;
  /** LinkedIn exports (issue 4): `export status` and the candidate card's "Mark reviewed". */
  exportInbox?: ExportInbox;
}

export type Reply = { card: AdaptiveCardJson } | { text: string };

export type MessageHandler = (deps: BotDeps, caller: Caller, match: RegExpMatchArray) => Promise<Reply>;
export type CardHandler = (deps: BotDeps, caller: Caller, data: Record<string, unknown>) => Promise<Reply>;

export interface MessageRoute {
  name: string;
  pattern: RegExp;
  handler: MessageHandler;
}

export interface CardRoute {
  verb: string;
  handler: CardHandler;
}
