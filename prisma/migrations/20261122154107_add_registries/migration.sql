-- AlterTable
ALTER TABLE "Application" ADD COLUMN     "nextSettleAt" TIMESTAMP(3),
ADD COLUMN     "registryAttempts" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "registryChecks" JSONB;

-- CreateTable
CREATE TABLE "registry_invalid_documents" (
    "key" TEXT NOT NULL,
    "record" JSONB NOT NULL,

    CONSTRAINT "registry_invalid_documents_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "registry_migration_records" (
    "key" TEXT NOT NULL,
    "record" JSONB NOT NULL,

    CONSTRAINT "registry_migration_records_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "registry_residence_permits" (
    "key" TEXT NOT NULL,
    "record" JSONB NOT NULL,

    CONSTRAINT "registry_residence_permits_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "registry_tax_numbers" (
    "key" TEXT NOT NULL,
    "record" JSONB NOT NULL,

    CONSTRAINT "registry_tax_numbers_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "registry_pension_numbers" (
    "key" TEXT NOT NULL,
    "record" JSONB NOT NULL,

    CONSTRAINT "registry_pension_numbers_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "RegistryImport" (
    "id" UUID NOT NULL,
    "registry" TEXT NOT NULL,
    "fileName" TEXT NOT NULL,
    "sha256" TEXT NOT NULL,
    "rows" INTEGER NOT NULL,
    "durationMs" INTEGER NOT NULL,
    "importedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RegistryImport_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "RegistryImport_registry_importedAt_idx" ON "RegistryImport"("registry", "importedAt");

-- CreateIndex
CREATE INDEX "Application_status_nextSettleAt_idx" ON "Application"("status", "nextSettleAt");
