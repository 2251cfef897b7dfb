import type { Person, Role } from '../domain/settings';
import type { TenancyPolicy } from '../domain/tenancy';
import type { FeedService } from '../feed/feedService';
import type { IdempotencyStore } from '../storage/idempotencyStore';
import type { Language } from '../i18n/strings';
import type { Notifier } from '../notifications/notifier';
import type { ConversationStore } from '../storage/conversationStore';
import type { ExportInbox } from '../storage/exportInbox';
import type { CandidateStore } from '../storage/candidateStore';
import type { HandoverStore } from '../storage/handoverStore';
import type { KnownChannel } from '../domain/channelChoice';
import type { PrivacyService } from '../privacy/privacyService';
import type { JobStore } from '../storage/jobStore';
import type { SettingsReader } from '../storage/settingsStore';
import type { CallbackUrls } from '../linkedin/callbackUrls';
import type { LinkedInAdminApi } from '../linkedin/client';
import type { ApiPostingWaker } from '../domain/jobPosting';
import type { SwitchProgress } from '../domain/apiChannel';
import type { PreferenceStore } from '../storage/preferenceStore';
import type { Reply } from '../shared/types';

/** Who is speaking to the bot, read once from the Teams activity. */
export interface Caller {
  tenantId: string;
  aadObjectId: string;
  name: string;
  language: Language;
  /**
   * IANA time zone for the times shown to this person: the one Teams reports for their client, else the feed's own
   * (filled in at every turn from the tenant's settings).
   */
  timeZone?: string;
  /** Decided on the server from the tenant's settings at every turn, never taken from a card. */
  role: Role;
  /** False in a channel or group chat, where everyone present would see a card; unset when unknown. */
  inPersonalChat?: boolean;
}

/** What the handlers may use. Framework-free, so handlers can move to the Teams SDK unchanged. */
export interface BotDeps {
  jobs: JobStore;
  conversations: ConversationStore;
  settings: SettingsReader;
  /** LinkedIn's daily feed: build on demand, status, why a job is held back, when the next build is. */
  feed: FeedService;
  /**
   * ADMIN_AAD_IDS: admins whatever the stored settings say, in the deployment's own tenant only (handlers get an
   * empty list in any other tenant; see `tenancy`).
   */
  bootstrapAdmins: readonly string[];
  /** Which tenants are served and which one the environment's settings belong to; absent: local mode (all, every one). */
  tenancy?: TenancyPolicy;
  /** Proactive messages to people and channels (durable outbox; see src/notifications). */
  notifier: Notifier;
  now: () => Date;
  /** Each tenant's LinkedIn callback URL (the settings card makes, shows and rotates it). */
  callbacks?: CallbackUrls;
  /** LinkedIn calls the settings card makes for admins: register the callback URL, test the credentials. */
  linkedInAdmin?: LinkedInAdminApi;
  /** Finds a person of the tenant by email, UPN or Entra object id (settings card: add people by text). */
  people?: PeopleDirectory;
  /** LinkedIn Recruiter one-click exports: `export status` and the candidate card's "Mark reviewed". */
  exportInbox?: ExportInbox;
  /** Exported candidates (the card is rendered from their row; a review restarts their retention period). */
  candidates?: CandidateStore;
  /** help privacy, forget candidate, candidate data, and the purge check shown by export status. */
  privacy?: PrivacyService;
  /** Candidates handed to a hiring manager ("Send to hiring manager" on the candidate card). */
  handovers?: HandoverStore;
  /** The channels of the teams the bot is in (the settings card's channel list). */
  teamChannels?: TeamChannelDirectory;
  /** Records of card actions already taken (routes marked `once`): a repeat gets the first answer. */
  actions?: IdempotencyStore;
  /**
   * Set for a card action that runs once by a reserved id (a route's `reservesId`): the id to create its record under,
   * `proposed` on the action's first attempt and that same id on every repeat.
   */
  reserveId?: (proposed: string) => Promise<string>;
  /** Tells LinkedIn's Job Posting API sender that a job row has an operation waiting (the row itself is the queue). */
  apiWaker?: ApiPostingWaker;
  /** Moves a tenant's open jobs between the feed and the API after the posting channel changed (one pass). */
  channelSwitch?: { advance(tenantId: string): Promise<SwitchProgress | undefined> };
  /** Each person's own choices (`digest on` / `digest off`). */
  preferences?: PreferenceStore;
}

/** The channels of the teams the bot is in, read from Teams (src/teams/teamChannels.ts reads them). */
export interface TeamChannelDirectory {
  list(tenantId: string): Promise<KnownChannel[]>;
}

export interface PeopleDirectory {
  find(tenantId: string, emailUpnOrId: string): Promise<Person | undefined>;
}

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
  /** The action changes something: the same action twice (a re-sent activity, a double click) is done once. */
  once?: true;
  /**
   * For a `once` action that creates a record, true when these values create one: the handler creates it under an id
   * from `BotDeps.reserveId` and answers a collision with what is stored, instead of a recorded answer (see once.ts).
   */
  reservesId?: (data: Record<string, unknown>) => boolean;
}
