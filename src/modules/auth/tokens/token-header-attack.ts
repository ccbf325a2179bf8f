import type { SuspiciousInputReason } from '../../../common/http/suspicious-input.js';

/** Key-supplying header fields that are an attack, not a mistake (`crit` is refused, not marked). */
const EMBEDDED_KEY_FIELDS = ['jwk', 'jku', 'x5u', 'x5c'];

/**
 * Headers no token we issued has and no honest client forges: `alg: none`, an HMAC algorithm
 * (the public key tried as a shared secret), a key carried in or pointed at by the token. `where`
 * says where the token came from (`header.authorization`, `body.mfaToken`...), for the field path.
 */
export function tokenHeaderAttack(header: Record<string, unknown>, where: string): { reason: SuspiciousInputReason; field: string } | undefined {
  const alg = typeof header.alg === 'string' ? header.alg.toLowerCase() : '';
  if (alg === 'none') return { reason: 'token_alg_none', field: `${where}.alg` };
  if (alg.startsWith('hs')) return { reason: 'token_alg_hmac', field: `${where}.alg` };
  const embedded = EMBEDDED_KEY_FIELDS.find((f) => f in header);
  return embedded ? { reason: 'token_embedded_key', field: `${where}.${embedded}` } : undefined;
}
