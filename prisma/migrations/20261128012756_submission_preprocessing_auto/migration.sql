-- AlterTable
ALTER TABLE "Submission" ALTER COLUMN "preprocessing" DROP NOT NULL,
ALTER COLUMN "preprocessing" DROP DEFAULT;
