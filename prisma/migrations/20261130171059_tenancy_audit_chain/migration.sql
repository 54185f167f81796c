-- Admins act under their own role in the history and the audit trail.
ALTER TYPE "ActorType" ADD VALUE 'admin';

-- Organisations (tenants). Rows written before this migration belong to the
-- default organisation, whose webhook is the WEBHOOK_URL/WEBHOOK_SECRET pair.
CREATE TABLE "Organization" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "webhookUrl" TEXT,
    "webhookSecret" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Organization_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "Organization_name_key" ON "Organization"("name");
INSERT INTO "Organization" ("id", "name") VALUES ('00000000-0000-4000-8000-000000000001', 'default');

ALTER TABLE "ApiClient" ADD COLUMN "organizationId" UUID;
UPDATE "ApiClient" SET "organizationId" = '00000000-0000-4000-8000-000000000001' WHERE "role" <> 'admin';

ALTER TABLE "Account" ADD COLUMN "erasedAt" TIMESTAMP(3),
ADD COLUMN "organizationId" UUID NOT NULL DEFAULT '00000000-0000-4000-8000-000000000001';
ALTER TABLE "Account" ALTER COLUMN "organizationId" DROP DEFAULT;

ALTER TABLE "Application" ADD COLUMN "erasedAt" TIMESTAMP(3),
ADD COLUMN "organizationId" UUID NOT NULL DEFAULT '00000000-0000-4000-8000-000000000001';
ALTER TABLE "Application" ALTER COLUMN "organizationId" DROP DEFAULT;

ALTER TABLE "Notification" ADD COLUMN "organizationId" UUID NOT NULL DEFAULT '00000000-0000-4000-8000-000000000001';
ALTER TABLE "Notification" ALTER COLUMN "organizationId" DROP DEFAULT;

ALTER TABLE "WebhookDelivery" ADD COLUMN "organizationId" UUID NOT NULL DEFAULT '00000000-0000-4000-8000-000000000001';
ALTER TABLE "WebhookDelivery" ALTER COLUMN "organizationId" DROP DEFAULT;
-- One delivery per notification and endpoint: keep the oldest of any duplicates.
DELETE FROM "WebhookDelivery" d USING "WebhookDelivery" e
  WHERE d."notificationId" = e."notificationId" AND d."url" = e."url" AND (d."createdAt", d."id") > (e."createdAt", e."id");

-- The audit chain. Events written before it form the chain "legacy" (seq in
-- time order, zero hashes): `docverify audit verify` reports them as unchained.
ALTER TABLE "AuditEvent" ADD COLUMN "chain" TEXT NOT NULL DEFAULT 'legacy',
ADD COLUMN "hash" CHAR(64) NOT NULL DEFAULT repeat('0', 64),
ADD COLUMN "prevHash" CHAR(64) NOT NULL DEFAULT repeat('0', 64),
ADD COLUMN "seq" INTEGER NOT NULL DEFAULT 0;
UPDATE "AuditEvent" a SET "seq" = n.seq FROM (SELECT "id", row_number() OVER (ORDER BY "at", "id") AS seq FROM "AuditEvent") n WHERE a."id" = n."id";
ALTER TABLE "AuditEvent" ALTER COLUMN "chain" DROP DEFAULT, ALTER COLUMN "hash" DROP DEFAULT,
  ALTER COLUMN "prevHash" DROP DEFAULT, ALTER COLUMN "seq" DROP DEFAULT;

CREATE INDEX "Account_organizationId_idx" ON "Account"("organizationId");
CREATE INDEX "Application_organizationId_status_updatedAt_idx" ON "Application"("organizationId", "status", "updatedAt");
CREATE INDEX "Application_status_decidedAt_idx" ON "Application"("status", "decidedAt");
CREATE UNIQUE INDEX "AuditEvent_chain_seq_key" ON "AuditEvent"("chain", "seq");
CREATE INDEX "WebhookDelivery_organizationId_createdAt_idx" ON "WebhookDelivery"("organizationId", "createdAt");
CREATE UNIQUE INDEX "WebhookDelivery_notificationId_url_key" ON "WebhookDelivery"("notificationId", "url");

ALTER TABLE "ApiClient" ADD CONSTRAINT "ApiClient_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "Account" ADD CONSTRAINT "Account_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "Application" ADD CONSTRAINT "Application_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "Notification" ADD CONSTRAINT "Notification_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- The audit trail is append-only for everyone who does not alter the table itself.
CREATE FUNCTION docverify_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'AuditEvent is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER "AuditEvent_append_only" BEFORE UPDATE OR DELETE ON "AuditEvent"
  FOR EACH ROW EXECUTE FUNCTION docverify_audit_append_only();
CREATE TRIGGER "AuditEvent_no_truncate" BEFORE TRUNCATE ON "AuditEvent"
  FOR EACH STATEMENT EXECUTE FUNCTION docverify_audit_append_only();
