/**
 * The channels of the teams the bot is installed in, read from Teams when the settings card is built: the bot keeps a
 * reference per team (src/teams/app.ts) and asks the Bot Connector for each team's channels (TeamsInfo, as Learn's "Get
 * the team's channels" shows). A team that cannot be read is left out and logged; the card then still works.
 */
import { TeamsInfo, type CloudAdapter } from 'botbuilder';
import type { KnownChannel } from '../domain/channelChoice';
import type { TeamChannelDirectory } from '../bot/types';
import type { Logger } from '../logger';
import type { ConversationStore } from '../storage/conversationStore';
import { teamConversationId } from '../notifications/recipients';

const TEAM_PREFIX = teamConversationId('');

/** The settings card waits this long for a team's channels; a slower team is left out of this card. */
const TEAM_TIMEOUT_MS = 4000;

export class TeamsChannelDirectory implements TeamChannelDirectory {
  constructor(
    private readonly adapter: CloudAdapter,
    private readonly botAppId: string,
    private readonly conversations: ConversationStore,
    private readonly logger: Logger,
    private readonly generalName: () => string = () => 'General'
  ) {}

  async list(tenantId: string): Promise<KnownChannel[]> {
    const teams = ((await this.conversations.listByPrefix?.(tenantId, TEAM_PREFIX)) ?? []).filter((team) => team.active);
    const lists = await Promise.all(teams.map((team) => this.withTimeout(team.aadObjectId.slice(TEAM_PREFIX.length), team.reference)));
    return lists.flat();
  }

  private withTimeout(teamId: string, reference: Record<string, unknown>): Promise<KnownChannel[]> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<KnownChannel[]>((resolve) => {
      timer = setTimeout(() => {
        this.logger.warn('the channels of a team took too long; left out of the settings card', { teamId, timeoutMs: TEAM_TIMEOUT_MS });
        resolve([]);
      }, TEAM_TIMEOUT_MS);
      timer.unref();
    });
    return Promise.race([this.channelsOf(teamId, reference), late]).finally(() => clearTimeout(timer));
  }

  private async channelsOf(teamId: string, reference: Record<string, unknown>): Promise<KnownChannel[]> {
    let found: KnownChannel[] = [];
    try {
      await this.adapter.continueConversationAsync(this.botAppId, reference, async (context) => {
        const [details, channels] = await Promise.all([TeamsInfo.getTeamDetails(context, teamId).catch(() => undefined), TeamsInfo.getTeamChannels(context, teamId)]);
        const teamName = details?.name || teamId;
        found = channels
          .filter((channel) => channel.id)
          .map((channel) => ({ teamId, teamName, channelId: channel.id!, channelName: channel.name || this.generalName() }));
      });
    } catch (error) {
      this.logger.warn('could not read the channels of a team', { teamId, error: (error as Error).message });
    }
    return found;
  }
}
