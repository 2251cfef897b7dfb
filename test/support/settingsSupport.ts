import type { Logger } from '../../src/logger';

/** A settings card submission with every field, as Teams sends it (strings; toggles "true"/"false"). */
export function settingsForm(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    companyName: 'Contoso',
    companyId: '',
    publisher: '',
    publisherUrl: '',
    posterEmail: '',
    buildTime: '02:00',
    timeZone: 'UTC',
    postingEnabled: 'true',
    jobWrapping: 'false',
    applyWithLinkedIn: 'false',
    postingPolicy: 'direct',
    retentionMonths: '6',
    rscClientId: '',
    rscClientSecret: '',
    rscOrganizationId: '',
    rscStatus: 'not_connected',
    channelId: '',
    channelName: '',
    admins: '',
    recruiters: '',
    adminsAdd: '',
    recruitersAdd: '',
    ...overrides
  };
}

/** Records what would be delivered, instead of the outbox. */
export { RecordingNotifier } from './recordingNotifier';

/** Every line a component logs, as text, for asserting that secrets never reach a log. */
export function capturingLogger(lines: string[] = [], bound: Record<string, unknown> = {}): Logger & { lines: string[] } {
  const write = (level: string) => (message: string, fields: Record<string, unknown> = {}) => {
    lines.push(JSON.stringify({ level, message, ...bound, ...fields }));
  };
  return { lines, info: write('info'), warn: write('warn'), error: write('error'), child: (fields) => capturingLogger(lines, { ...bound, ...fields }) };
}
