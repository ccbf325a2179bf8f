-- CreateEnum
CREATE TYPE "Plan" AS ENUM ('DEFAULT', 'PREMIUM', 'ENTERPRISE');

-- AlterTable
ALTER TABLE "users" ADD COLUMN     "plan" "Plan" NOT NULL DEFAULT 'DEFAULT';

