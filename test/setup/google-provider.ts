/** Google sign-in in the tests: the app pointed at a local OIDC server (oauth2-mock-server). */
export const GOOGLE_CLIENT = 'test-client';
export const GOOGLE_FRONTEND = 'https://app.example.com';
export const GOOGLE_CALLBACK = 'http://127.0.0.1/api/v1/auth/google/callback';

/** The settings that send Google sign-in to the provider at `issuer`; `overrides` change any of them. */
export function googleSettings(issuer: string, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    GOOGLE_CLIENT_ID: GOOGLE_CLIENT,
    GOOGLE_CLIENT_SECRET: 'test-secret',
    GOOGLE_CALLBACK_URL: GOOGLE_CALLBACK,
    GOOGLE_ISSUER: issuer,
    GOOGLE_AUTHORIZATION_URL: `${issuer}/authorize`,
    GOOGLE_TOKEN_URL: `${issuer}/token`,
    GOOGLE_JWKS_URL: `${issuer}/jwks`,
    FRONTEND_URL: GOOGLE_FRONTEND,
    ...overrides,
  };
}
