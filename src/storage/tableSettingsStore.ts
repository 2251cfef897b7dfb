import { createHash, randomBytes } from 'node:crypto';
import type { TableClient, TransactionAction } from '@azure/data-tables';
import { AppError } from '../domain/errors';
import { defaultSettings, type SettingsDefaults, type TenantSettings } from '../domain/settings';
import type { StoredSettings } from '../domain/settingsForm';
import type { SecretBox } from './secretBox';
import type { LinkedInCredentials, SettingsAuditEntry, SettingsSave, SettingsStore } from './settingsStore';
import { encodeKey, isStatus, odataString } from './tables';

export const SETTINGS_TABLE = 'settings';

/**
 * One partition per tenant, three kinds of rows, so that a save (settings, secret, audit lines) is one entity-group
 * transaction: all or nothing, checked against the settings row's ETag.
 * - `settings`: what admins stored (JSON), merged over the environment's defaults when read.
 * - `secret`: the LinkedIn client secret, sealed by the SecretBox; read only by `linkedInCredentials`.
 * - `audit-<inverted time>-<random>`: one line per changed field, newest first in key order.
 */
const SETTINGS_ROW = 'settings';
const SECRET_ROW = 'secret';
const AUDIT_PREFIX = 'audit-';
/** Table Storage: at most 100 operations per transaction. */
const TRANSACTION_MAX = 100;

interface SettingsEntity {
  partitionKey: string;
  rowKey: string;
  document: string;
  updatedAt: string;
}

interface SecretEntity {
  partitionKey: string;
  rowKey: string;
  clientSecret: string;
  encrypted: boolean;
}

interface AuditEntity {
  partitionKey: string;
  rowKey: string;
  at: string;
  byAadObjectId: string;
  byName: string;
  field: string;
  old: string;
  new: string;
  secret: boolean;
}

/** Newest first in key order: 13 digits of milliseconds to the year 2286, subtracted from the maximum. */
function auditKey(at: Date, index: number): string {
  const inverted = (9_999_999_999_999 - at.getTime()).toString().padStart(13, '0');
  return `${AUDIT_PREFIX}${inverted}-${index.toString().padStart(2, '0')}-${randomBytes(3).toString('hex')}`;
}

/** Told once per stored secret that can no longer be read (the encryption key changed): admins enter it again. */
export type UnreadableSecretListener = (tenantId: string, secretId: string) => void | Promise<void>;

type PerTenant<T> = T | ((tenantId: string) => T);
const forTenant = <T>(value: PerTenant<T>, tenantId: string): T => (typeof value === 'function' ? (value as (tenantId: string) => T)(tenantId) : value);

export class TableSettingsStore implements SettingsStore {
  constructor(
    private readonly table: TableClient,
    /** The environment's defaults; per tenant, as they belong to the deployment's own tenant only. */
    private readonly defaults: PerTenant<SettingsDefaults>,
    private readonly secrets: SecretBox,
    /** LINKEDIN_CLIENT_ID / LINKEDIN_CLIENT_SECRET: the credentials of a deployment configured by environment. */
    private readonly envCredentials?: PerTenant<LinkedInCredentials | undefined>,
    private readonly onUnreadableSecret?: UnreadableSecretListener
  ) {}

  async get(tenantId: string): Promise<TenantSettings> {
    const base = defaultSettings(tenantId, forTenant(this.defaults, tenantId));
    const row = await this.row<SettingsEntity>(tenantId, SETTINGS_ROW);
    if (!row) return base;
    const stored = JSON.parse(row.document) as Partial<StoredSettings>;
    // Fields an admin left blank fall back to the deployment's defaults.
    const defined = Object.fromEntries(Object.entries(stored).filter(([, value]) => value !== undefined && value !== null));
    return { ...base, ...defined, rsc: { ...base.rsc, ...stored.rsc }, tenantId, updatedAt: row.updatedAt, etag: row.etag };
  }

  /**
   * The tenant's own credentials, else the environment's (deployment tenant only). A stored secret that cannot be
   * read counts as not configured (admins are told once, the card asks for it again), never as the environment's.
   */
  async linkedInCredentials(tenantId: string): Promise<LinkedInCredentials | undefined> {
    const [settings, secret] = await Promise.all([this.get(tenantId), this.row<SecretEntity>(tenantId, SECRET_ROW)]);
    if (settings.rsc.clientId && secret) {
      const clientSecret = await this.openSecret(tenantId, secret);
      return clientSecret === undefined ? undefined : { clientId: settings.rsc.clientId, clientSecret };
    }
    return forTenant(this.envCredentials, tenantId);
  }

  /** Whether the tenant's stored client secret can be read: 'none' when none is stored. */
  async clientSecretState(tenantId: string): Promise<'none' | 'readable' | 'unreadable'> {
    const secret = await this.row<SecretEntity>(tenantId, SECRET_ROW);
    if (!secret) return 'none';
    return (await this.openSecret(tenantId, secret)) === undefined ? 'unreadable' : 'readable';
  }

  private async openSecret(tenantId: string, secret: SecretEntity & { etag: string }): Promise<string | undefined> {
    if (!secret.encrypted) {
      if (this.secrets.encrypts) await this.reseal(tenantId, secret, secret.clientSecret);
      return secret.clientSecret;
    }
    let plain: string;
    try {
      // Sealed, but no key now (SETTINGS_ENCRYPTION_KEY removed): the sealed text is not the secret.
      if (!this.secrets.encrypts) throw new Error('no key to open a sealed secret');
      plain = this.secrets.open(secret.clientSecret, tenantId);
    } catch {
      // Telling admins is best effort: the secret counts as not set either way.
      await Promise.resolve(this.onUnreadableSecret?.(tenantId, createHash('sha256').update(secret.clientSecret).digest('hex').slice(0, 32))).catch(() => undefined);
      return undefined;
    }
    if (this.secrets.isStale?.(secret.clientSecret, tenantId)) await this.reseal(tenantId, secret, plain);
    return plain;
  }

  /** Seals a secret again with the current key (key rotation, or a key set after it was stored); another writer wins. */
  private async reseal(tenantId: string, secret: SecretEntity & { etag: string }, plain: string): Promise<void> {
    const sealed: SecretEntity = {
      partitionKey: encodeKey(tenantId),
      rowKey: SECRET_ROW,
      clientSecret: this.secrets.seal(plain, tenantId),
      encrypted: this.secrets.encrypts
    };
    try {
      await this.table.updateEntity({ ...sealed }, 'Replace', { etag: secret.etag });
    } catch (error) {
      if (!isStatus(error, 412) && !isStatus(error, 404)) throw error;
    }
  }

  async save(save: SettingsSave): Promise<TenantSettings> {
    const partitionKey = encodeKey(save.tenantId);
    const updatedAt = save.at.toISOString();
    const settingsRow: SettingsEntity = { partitionKey, rowKey: SETTINGS_ROW, document: JSON.stringify(save.settings), updatedAt };
    const actions: TransactionAction[] = [save.etag ? ['update', { ...settingsRow }, 'Replace', { etag: save.etag }] : ['create', { ...settingsRow }]];
    if (save.clientSecret !== undefined) {
      const sealed: SecretEntity = {
        partitionKey,
        rowKey: SECRET_ROW,
        clientSecret: this.secrets.seal(save.clientSecret, save.tenantId),
        encrypted: this.secrets.encrypts
      };
      actions.push(['upsert', { ...sealed }, 'Replace']);
    }
    save.changes.forEach((change, index) => {
      const line: AuditEntity = {
        partitionKey,
        rowKey: auditKey(save.at, index),
        at: updatedAt,
        byAadObjectId: save.by.aadObjectId,
        byName: save.by.name,
        field: change.field,
        // Never a secret's value, whatever the caller passed.
        old: change.secret ? '' : change.old,
        new: change.secret ? '' : change.new,
        secret: change.secret === true
      };
      actions.push(['create', { ...line }]);
    });
    if (actions.length > TRANSACTION_MAX) throw new Error(`a settings save is limited to ${TRANSACTION_MAX - 2} changed fields`);
    try {
      await this.table.submitTransaction(actions);
    } catch (error) {
      // 412: the row changed since the admin opened the card; 409: someone created it first; 404: it was deleted.
      if (isStatus(error, 412) || isStatus(error, 409) || isStatus(error, 404)) throw new AppError('SETTINGS_CONFLICT', save.tenantId);
      throw error;
    }
    return this.get(save.tenantId);
  }

  async history(tenantId: string, limit: number): Promise<SettingsAuditEntry[]> {
    const filter = `PartitionKey eq ${odataString(encodeKey(tenantId))} and RowKey ge '${AUDIT_PREFIX}' and RowKey lt 'audit.'`;
    const pages = this.table.listEntities<AuditEntity>({ queryOptions: { filter } }).byPage({ maxPageSize: limit });
    const entries: SettingsAuditEntry[] = [];
    for await (const page of pages) {
      for (const row of page) {
        entries.push({
          at: row.at,
          by: { aadObjectId: row.byAadObjectId, name: row.byName },
          field: row.field,
          old: row.old,
          new: row.new,
          ...(row.secret ? { secret: true } : {})
        });
        if (entries.length >= limit) return entries;
      }
    }
    return entries;
  }

  private async row<T extends object>(tenantId: string, rowKey: string): Promise<(T & { etag: string }) | undefined> {
    try {
      return await this.table.getEntity<T>(encodeKey(tenantId), rowKey);
    } catch (error) {
      if (isStatus(error, 404)) return undefined;
      throw error;
    }
  }
}
