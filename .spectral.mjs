// Spectral ruleset: the OWASP API Security ruleset, loaded from the installed npm package so the
// lint runs offline (`npm run lint:openapi`).
import owasp from '@stoplight/spectral-owasp-ruleset';

/** The writes that hand out credentials cannot require credentials themselves. */
const PUBLIC_WRITES = ['register', 'verify-email', 'verify-email~1resend', 'login', 'refresh', 'forgot-password', 'reset-password', 'mfa~1verify'].map(
  (route) => `dist/openapi.json#/paths/~1api~1v1~1auth~1${route}`,
);

export default {
  extends: [owasp],
  overrides: [{ files: PUBLIC_WRITES, rules: { 'owasp:api2:2023-write-restricted': 'off' } }],
};
