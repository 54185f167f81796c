-- CreateTable
CREATE TABLE "ReviewerSession" (
    "id" UUID NOT NULL,
    "clientId" UUID NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "csrfToken" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "revokedAt" TIMESTAMP(3),

    CONSTRAINT "ReviewerSession_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "ReviewerSession_tokenHash_key" ON "ReviewerSession"("tokenHash");

-- CreateIndex
CREATE INDEX "ReviewerSession_expiresAt_idx" ON "ReviewerSession"("expiresAt");

-- AddForeignKey
ALTER TABLE "ReviewerSession" ADD CONSTRAINT "ReviewerSession_clientId_fkey" FOREIGN KEY ("clientId") REFERENCES "ApiClient"("id") ON DELETE CASCADE ON UPDATE CASCADE;
