-- AlterEnum
ALTER TYPE "DocumentKind" ADD VALUE 'selfie_with_document';
