/** Security events (SPEC.md §8), named as in the OWASP Logging Vocabulary's spirit. */
export const AUDIT_EVENT_TYPES = [
  'LOGIN_SUCCESS',
  'LOGIN_FAILED',
  'LOGOUT',
  'TOKEN_REFRESHED',
  'REFRESH_TOKEN_REUSE',
  'ACCESS_DENIED',
  'RATE_LIMITED',
  'PASSWORD_CHANGED',
  'PASSWORD_RESET_REQUESTED',
  'PASSWORD_RESET_COMPLETED',
  'MFA_ENABLED',
  'MFA_DISABLED',
  'MFA_FAILED',
  'API_KEY_CREATED',
  'API_KEY_REVOKED',
  'ROLE_CHANGED',
  'SESSIONS_REVOKED',
  'USER_REGISTERED',
] as const;

export type AuditEventType = (typeof AUDIT_EVENT_TYPES)[number];
