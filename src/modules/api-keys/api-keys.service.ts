import { Injectable } from '@nestjs/common';
import type { RequestMeta } from '../../common/http/request-meta.js';
import { AppConfig } from '../../config/app-config.js';
import { AuditService } from '../audit/audit.service.js';
import type { AuthUser } from '../../common/auth/auth-user.js';
import { ApiKeyUsageService } from './api-key-usage.service.js';
import { hashToken, sameHash } from '../../common/crypto/opaque-token.js';
import { newApiKey, prefixOf } from './api-key.secret.js';
import { ApiKeyExpiryError, ApiKeyNotFoundError, InvalidApiKeyError, TooManyApiKeysError } from './api-keys.errors.js';
import { ApiKeysRepository, type ApiKeyAuthRow, type ApiKeyRow } from './api-keys.repository.js';
import type { ApiKeyDto, CreateApiKeyDto, CreatedApiKeyDto } from './dto/api-key.dto.js';

const DAY_MS = 86_400_000;

function toDto(row: ApiKeyRow): ApiKeyDto {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: row.scopes,
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
    revokedAt: row.revokedAt?.toISOString() ?? null,
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
  };
}

@Injectable()
export class ApiKeysService {
  constructor(
    private readonly keys: ApiKeysRepository,
    private readonly usage: ApiKeyUsageService,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {}

  /** A key outlives every session: its route asks for a recent sign-in or the password (RecentAuthenticationGuard). */
  async create(owner: AuthUser, dto: CreateApiKeyDto, meta: RequestMeta): Promise<CreatedApiKeyDto> {
    const { maxPerUser } = this.config.apiKeys;
    if ((await this.keys.countActive(owner.id)) >= maxPerUser) throw new TooManyApiKeysError(maxPerUser);
    const { key, prefix } = newApiKey();
    const row = await this.keys.create({
      userId: owner.id,
      name: dto.name,
      prefix,
      keyHash: hashToken(key),
      scopes: dto.scopes,
      expiresAt: this.expiry(dto.expiresAt),
    });
    this.audit.record('API_KEY_CREATED', { meta, userId: owner.id, metadata: { apiKeyId: row.id, scopes: dto.scopes } });
    return { ...toDto(row), key };
  }

  async list(owner: AuthUser): Promise<ApiKeyDto[]> {
    return (await this.keys.listForUser(owner.id)).map(toDto);
  }

  async revoke(owner: AuthUser, id: string, meta: RequestMeta): Promise<void> {
    if (!(await this.keys.revoke(owner.id, id))) throw new ApiKeyNotFoundError();
    this.audit.record('API_KEY_REVOKED', { meta, userId: owner.id, metadata: { apiKeyId: id } });
  }

  /** Credential changes are total: a reset or "sign out everywhere" ends every key too. */
  async revokeAll(userId: string, reason: string, meta: RequestMeta): Promise<void> {
    const count = await this.keys.revokeAll(userId);
    if (count > 0) this.audit.record('API_KEY_REVOKED', { meta, userId, metadata: { reason, count } });
  }

  /** The caller behind an `X-API-Key` header: its owner, limited to the key's scopes. */
  async authenticate(rawKey: string): Promise<AuthUser> {
    const prefix = prefixOf(rawKey);
    const row = prefix ? await this.keys.findForAuthentication(prefix) : null;
    // The owner is a second read: a key whose account is being deleted at this moment can come
    // back without one, and is refused like any other invalid key (never a 500).
    const owner = row?.user as ApiKeyAuthRow['user'] | null | undefined;
    const now = new Date();
    // Read on every request: a revoked key, or one whose owner was disabled, fails at once everywhere.
    if (!row || !owner || !sameHash(row.keyHash, hashToken(rawKey)) || row.revokedAt || row.expiresAt <= now || owner.disabledAt) throw new InvalidApiKeyError();
    this.usage.record(row.id);
    return { id: owner.id, role: owner.role, plan: owner.plan, sessionId: null, tokenId: null, authenticatedAt: null, apiKey: { id: row.id, scopes: row.scopes } };
  }

  private expiry(requested: string | undefined): Date {
    const { defaultLifetimeDays, maxLifetimeDays } = this.config.apiKeys;
    if (!requested) return new Date(Date.now() + defaultLifetimeDays * DAY_MS);
    const at = new Date(requested);
    if (at.getTime() <= Date.now() || at.getTime() > Date.now() + maxLifetimeDays * DAY_MS) throw new ApiKeyExpiryError(maxLifetimeDays);
    return at;
  }
}
