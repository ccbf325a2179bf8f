import type { Prisma } from '../../generated/prisma/client.js';

/** Columns a profile may show. The password hash is never in a default select. */
export const USER_PROFILE_SELECT = {
  id: true,
  email: true,
  name: true,
  role: true,
  plan: true,
  emailVerifiedAt: true,
  disabledAt: true,
  createdAt: true,
  updatedAt: true,
} as const satisfies Prisma.UserSelect;

/** What sign-in and re-authentication need, and nothing more; used only by the credentials checks. */
export const USER_CREDENTIALS_SELECT = {
  id: true,
  email: true,
  role: true,
  passwordHash: true,
  mfaEnabled: true,
  emailVerifiedAt: true,
  disabledAt: true,
  credentialsChangedAt: true,
} as const satisfies Prisma.UserSelect;

export type UserProfileRow = Prisma.UserGetPayload<{ select: typeof USER_PROFILE_SELECT }>;
export type UserCredentialsRow = Prisma.UserGetPayload<{ select: typeof USER_CREDENTIALS_SELECT }>;
