import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Encryption at rest for tenant secrets (the LinkedIn client secret): AES-256-GCM with a key from
 * SETTINGS_ENCRYPTION_KEY (32 bytes, base64). Without a key, secrets are stored as they are, but only in their own
 * row that no read of settings touches (see TableSettingsStore); the process warns at start.
 */
export interface SecretBox {
  readonly encrypts: boolean;
  seal(plain: string, context: string): string;
  /** Throws when the secret cannot be read (another key sealed it, or it was tampered with). */
  open(sealed: string, context: string): string;
  /** True when `sealed` opens only with the previous key, so it should be sealed again with the current one. */
  isStale?(sealed: string, context: string): boolean;
}

const VERSION = 'v1';

/** `context` (the tenant id) is bound as associated data: a row copied to another tenant does not decrypt. */
export function aesGcmBox(key: Buffer): SecretBox {
  if (key.length !== 32) throw new Error('SETTINGS_ENCRYPTION_KEY must be 32 bytes, base64-encoded');
  return {
    encrypts: true,
    seal(plain, context) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return [VERSION, iv.toString('base64'), cipher.getAuthTag().toString('base64'), body.toString('base64')].join('.');
    },
    open(sealed, context) {
      const [version, iv, tag, body] = sealed.split('.');
      if (version !== VERSION || !iv || !tag || body === undefined) throw new Error('stored secret is not in a known format');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(Buffer.from(tag, 'base64'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]).toString('utf8');
    }
  };
}

export const plainBox: SecretBox = { encrypts: false, seal: (plain) => plain, open: (sealed) => sealed };

/**
 * The current key seals; the previous one (SETTINGS_ENCRYPTION_KEY_PREVIOUS) still opens what it sealed, so an
 * operator can rotate the key without admins entering every secret again: what it opens is sealed again.
 */
export function rotatingBox(current: SecretBox, previous: SecretBox): SecretBox {
  const opensWith = (box: SecretBox, sealed: string, context: string) => {
    try {
      box.open(sealed, context);
      return true;
    } catch {
      return false;
    }
  };
  return {
    encrypts: current.encrypts,
    seal: (plain, context) => current.seal(plain, context),
    open(sealed, context) {
      try {
        return current.open(sealed, context);
      } catch {
        return previous.open(sealed, context);
      }
    },
    isStale: (sealed, context) => !opensWith(current, sealed, context) && opensWith(previous, sealed, context)
  };
}

export function secretBoxFrom(base64Key: string | undefined, previousBase64Key?: string): SecretBox {
  if (!base64Key) return plainBox;
  const current = aesGcmBox(Buffer.from(base64Key, 'base64'));
  return previousBase64Key ? rotatingBox(current, aesGcmBox(Buffer.from(previousBase64Key, 'base64'))) : current;
}
