-- AlterTable
ALTER TABLE "Application" ADD COLUMN     "clarificationDueAt" TIMESTAMP(3),
ADD COLUMN     "clarificationRemindedAt" TIMESTAMP(3);
