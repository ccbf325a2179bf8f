-- Account lifecycle: email verification, accounts without a usable password, disabling, and a
-- credentials version that MFA challenges are bound to.

-- Users
ALTER TABLE "users" ALTER COLUMN "password_hash" DROP NOT NULL;
ALTER TABLE "users" ADD COLUMN "email_verified_at" TIMESTAMPTZ(3),
                    ADD COLUMN "disabled_at" TIMESTAMPTZ(3),
                    ADD COLUMN "credentials_changed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;
-- Accounts that existed before verification did are taken as verified: they signed in already.
UPDATE "users" SET "email_verified_at" = "created_at";
-- Addresses are compared in NFKC, lower-cased: existing rows take that form too. Two rows that
-- only differed by case or compatibility form make this fail, on purpose: resolve them by hand.
UPDATE "users" SET "email" = lower(normalize("email", NFKC)) WHERE "email" <> lower(normalize("email", NFKC));

-- The mailed one-time tokens share one table, told apart by purpose.
CREATE TYPE "AccountTokenPurpose" AS ENUM ('PASSWORD_RESET', 'EMAIL_VERIFICATION');
ALTER TABLE "password_reset_tokens" RENAME TO "account_tokens";
ALTER TABLE "account_tokens" RENAME CONSTRAINT "password_reset_tokens_pkey" TO "account_tokens_pkey";
ALTER TABLE "account_tokens" RENAME CONSTRAINT "password_reset_tokens_user_id_fkey" TO "account_tokens_user_id_fkey";
ALTER INDEX "password_reset_tokens_token_hash_key" RENAME TO "account_tokens_token_hash_key";
DROP INDEX "password_reset_tokens_user_id_idx";
ALTER TABLE "account_tokens" ADD COLUMN "purpose" "AccountTokenPurpose" NOT NULL DEFAULT 'PASSWORD_RESET';
ALTER TABLE "account_tokens" ALTER COLUMN "purpose" DROP DEFAULT;
CREATE INDEX "account_tokens_user_id_purpose_idx" ON "account_tokens"("user_id", "purpose");

-- Disabling a user ends their access tokens on every instance at once, like a role change.
DROP TRIGGER "users_notify_auth_state" ON "users";
CREATE TRIGGER users_notify_auth_state
  AFTER UPDATE OF role, plan, disabled_at OR DELETE ON users
  FOR EACH ROW EXECUTE FUNCTION notify_auth_state();
