import { Injectable } from '@nestjs/common';
import { UnauthorizedError } from '../../common/errors/app-error.js';
import type { RequestMeta } from '../../common/http/request-meta.js';
import { AuditService } from '../audit/audit.service.js';
import { LoginThrottleService } from '../rate-limit/login-throttle.service.js';
import type { UserProfileDto } from '../users/dto/user-response.dto.js';
import { UsersService } from '../users/users.service.js';
import type { AuthUser } from './auth-user.js';
import type { LoginDto } from './dto/login.dto.js';
import type { RegisterDto } from './dto/register.dto.js';
import type { TokenResponseDto } from './dto/token-response.dto.js';
import { PasswordHasherService } from './password/password-hasher.service.js';
import { SessionsService } from './sessions.service.js';
import type { MfaChallengeDto } from './dto/mfa.dto.js';
import { MfaChallengeTokenService } from './tokens/mfa-challenge-token.service.js';
import { TokenIssuerService } from './tokens/token-issuer.service.js';
import { InvalidRefreshTokenError, RefreshSessionsService } from './tokens/refresh-sessions.service.js';

export class InvalidCredentialsError extends UnauthorizedError {
  constructor() {
    super('Invalid credentials');
  }
}

/** Registration, login, refresh and logout. Tokens and sessions live in ./tokens. */
@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersService,
    private readonly hasher: PasswordHasherService,
    private readonly issuer: TokenIssuerService,
    private readonly challenges: MfaChallengeTokenService,
    private readonly refreshSessions: RefreshSessionsService,
    private readonly sessions: SessionsService,
    private readonly audit: AuditService,
    private readonly loginThrottle: LoginThrottleService,
  ) {}

  /** Everyone registers as `user`: the DTO has no role, and unknown fields are refused. */
  async register(dto: RegisterDto, meta: RequestMeta): Promise<UserProfileDto> {
    const passwordHash = await this.hasher.hash(dto.password);
    const user = await this.users.create({ email: dto.email, name: dto.name, passwordHash });
    this.audit.record('USER_REGISTERED', { meta, userId: user.id });
    return user;
  }

  async login(dto: LoginDto, meta: RequestMeta): Promise<TokenResponseDto | MfaChallengeDto> {
    await this.loginThrottle.assertIpAllowed(meta.ip);
    const user = await this.users.findCredentialsByEmail(dto.email);
    // Always one argon2 verification, against a dummy hash for unknown emails: same answer, same
    // time, whether the account exists, is locked, or the password is wrong (no enumeration).
    const valid = await this.hasher.verify(user?.passwordHash, dto.password);
    const locked = await this.loginThrottle.isAccountLocked(dto.email);
    if (!user || !valid || locked) {
      await this.loginThrottle.recordFailure(meta.ip, dto.email, locked);
      const metadata = locked ? { reason: 'account-locked' } : undefined;
      this.audit.record('LOGIN_FAILED', { meta, userId: user?.id ?? null, outcome: 'failure', metadata });
      throw new InvalidCredentialsError();
    }
    await this.loginThrottle.recordSuccess(dto.email);
    // With MFA on, the password step yields only a 5-minute challenge for /auth/mfa/verify.
    if (user.mfaEnabled) return { mfaRequired: true, mfaToken: this.challenges.issue(user.id) };
    if (this.hasher.needsRehash(user.passwordHash)) {
      await this.users.updatePasswordHash(user.id, await this.hasher.hash(dto.password));
    }
    this.audit.record('LOGIN_SUCCESS', { meta, userId: user.id });
    return this.issuer.startSession(user, meta);
  }

  async refresh(refreshToken: string | undefined, meta: RequestMeta): Promise<TokenResponseDto> {
    if (!refreshToken) throw new InvalidRefreshTokenError();
    const rotation = await this.refreshSessions.rotate(refreshToken, meta);
    return this.issuer.pair({ id: rotation.userId, role: rotation.role }, rotation.sessionId, rotation.refreshToken);
  }

  logout(user: AuthUser, meta: RequestMeta): Promise<void> {
    return this.sessions.revokeCurrent(user, meta);
  }

  async logoutAll(user: AuthUser, meta: RequestMeta): Promise<void> {
    await this.sessions.revokeAll(user.id, 'logout-all', meta);
  }
}
