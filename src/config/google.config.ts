import { z } from 'zod';
import { intVar } from './env.js';

const url = () => z.url({ protocol: /^https?$/ });

export const googleEnvSchema = z.object({
  // Google sign-in is on only when GOOGLE_CLIENT_ID is set; then the secret and callback are required.
  GOOGLE_CLIENT_ID: z.string().min(1).optional(),
  GOOGLE_CLIENT_SECRET: z.string().min(1).optional(),
  GOOGLE_CALLBACK_URL: url().optional(),
  // Overridable so the tests run the whole flow against a local OAuth2/OIDC server.
  GOOGLE_ISSUER: z.string().min(1).default('https://accounts.google.com'),
  GOOGLE_AUTHORIZATION_URL: url().default('https://accounts.google.com/o/oauth2/v2/auth'),
  GOOGLE_TOKEN_URL: url().default('https://oauth2.googleapis.com/token'),
  GOOGLE_JWKS_URL: url().default('https://www.googleapis.com/oauth2/v3/certs'),
  GOOGLE_TIMEOUT_MS: intVar(5000, 500, 30_000),
});

export type GoogleSettings = {
  clientId: string;
  clientSecret: string;
  callbackUrl: string;
  issuers: string[];
  authorizationUrl: string;
  tokenUrl: string;
  jwksUrl: string;
  timeoutMs: number;
};

export function loadGoogleSettings(e: z.infer<typeof googleEnvSchema>): { settings?: GoogleSettings; problems: string[] } {
  if (!e.GOOGLE_CLIENT_ID) return { problems: [] };
  const problems = [
    ...(e.GOOGLE_CLIENT_SECRET ? [] : ['GOOGLE_CLIENT_SECRET: required when GOOGLE_CLIENT_ID is set']),
    ...(e.GOOGLE_CALLBACK_URL ? [] : ['GOOGLE_CALLBACK_URL: required when GOOGLE_CLIENT_ID is set']),
  ];
  if (problems.length > 0 || !e.GOOGLE_CLIENT_SECRET || !e.GOOGLE_CALLBACK_URL) return { problems };
  // Google signs ID tokens with either spelling of its issuer.
  const issuers = e.GOOGLE_ISSUER === 'https://accounts.google.com' ? [e.GOOGLE_ISSUER, 'accounts.google.com'] : [e.GOOGLE_ISSUER];
  return {
    problems,
    settings: {
      clientId: e.GOOGLE_CLIENT_ID,
      clientSecret: e.GOOGLE_CLIENT_SECRET,
      callbackUrl: e.GOOGLE_CALLBACK_URL,
      issuers,
      authorizationUrl: e.GOOGLE_AUTHORIZATION_URL,
      tokenUrl: e.GOOGLE_TOKEN_URL,
      jwksUrl: e.GOOGLE_JWKS_URL,
      timeoutMs: e.GOOGLE_TIMEOUT_MS,
    },
  };
}
