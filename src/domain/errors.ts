/**
 * Every error a user may see, with a stable code. The sentence shown comes from `i18n` under `error.<code>`;
 * logs carry the code so support can find the case.
 */
export const ERROR_CODES = {
  JOB_NOT_FOUND: 'JOB_NOT_FOUND',
  EXPORT_NOT_FOUND: 'EXPORT_NOT_FOUND',
  HANDOVER_UNREACHABLE: 'HANDOVER_UNREACHABLE',
  HANDOVER_NOT_YOURS: 'HANDOVER_NOT_YOURS',
  JOB_CONFLICT: 'JOB_CONFLICT',
  JOB_CLOSED: 'JOB_CLOSED',
  NOT_YOUR_JOB: 'NOT_YOUR_JOB',
  BAD_JOB_ID: 'BAD_JOB_ID',
  FORBIDDEN: 'FORBIDDEN',
  ADMINS_ONLY: 'ADMINS_ONLY',
  SETTINGS_CONFLICT: 'SETTINGS_CONFLICT',
  SETTINGS_READ_ONLY: 'SETTINGS_READ_ONLY',
  SETTINGS_PERSONAL_ONLY: 'SETTINGS_PERSONAL_ONLY',
  PRIVACY_PERSONAL_ONLY: 'PRIVACY_PERSONAL_ONLY',
  NOT_AWAITING_APPROVAL: 'NOT_AWAITING_APPROVAL',
  STORAGE_UNAVAILABLE: 'STORAGE_UNAVAILABLE',
  UNEXPECTED: 'UNEXPECTED'
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class AppError extends Error {
  constructor(readonly code: ErrorCode, readonly detail?: string) {
    super(detail ? `${code}: ${detail}` : code);
    this.name = 'AppError';
  }
}

export function errorCodeOf(error: unknown): ErrorCode {
  return error instanceof AppError ? error.code : 'UNEXPECTED';
}
