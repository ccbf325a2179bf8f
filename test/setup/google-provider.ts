import type { OAuth2Server } from 'oauth2-mock-server';

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

/**
 * Starts the local provider on loopback with a signing key; each ID token it signs carries our
 * client as audience, then `claims()` (which may override even that). Returns its issuer URL.
 */
export async function startGoogleProvider(provider: OAuth2Server, claims: () => object): Promise<string> {
  await provider.issuer.keys.generate('RS256');
  await provider.start(0, '127.0.0.1');
  provider.service.on('beforeTokenSigning', (token) => Object.assign(token.payload, { aud: GOOGLE_CLIENT }, claims()));
  return provider.issuer.url ?? '';
}
