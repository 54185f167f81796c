-- CreateEnum
CREATE TYPE "LivenessSessionStatus" AS ENUM ('open', 'passed', 'failed');

-- CreateTable
CREATE TABLE "LivenessSession" (
    "id" UUID NOT NULL,
    "organizationId" UUID NOT NULL,
    "applicationId" UUID NOT NULL,
    "steps" TEXT[],
    "nonceHash" CHAR(64) NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "status" "LivenessSessionStatus" NOT NULL DEFAULT 'open',
    "reasonCode" TEXT,
    "result" JSONB,
    "frameHashes" TEXT[],
    "createdById" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completedAt" TIMESTAMP(3),

    CONSTRAINT "LivenessSession_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "LivenessSession_nonceHash_key" ON "LivenessSession"("nonceHash");

-- CreateIndex
CREATE INDEX "LivenessSession_applicationId_createdAt_idx" ON "LivenessSession"("applicationId", "createdAt");

-- CreateIndex
CREATE INDEX "LivenessSession_organizationId_idx" ON "LivenessSession"("organizationId");

-- AddForeignKey
ALTER TABLE "LivenessSession" ADD CONSTRAINT "LivenessSession_applicationId_fkey" FOREIGN KEY ("applicationId") REFERENCES "Application"("id") ON DELETE CASCADE ON UPDATE CASCADE;
