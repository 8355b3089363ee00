-- AlterTable
ALTER TABLE "Competition" ADD COLUMN     "probingGuard" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "teamMergeDeadline" TIMESTAMP(3),
ADD COLUMN     "teamSizeLimit" INTEGER NOT NULL DEFAULT 1;

-- AlterTable
ALTER TABLE "Job" ADD COLUMN     "estimatedSeconds" INTEGER,
ADD COLUMN     "lane" TEXT NOT NULL DEFAULT 'score',
ADD COLUMN     "ownerKey" TEXT;

-- AlterTable
ALTER TABLE "Report" ADD COLUMN     "robustness" JSONB;

-- AlterTable
ALTER TABLE "Score" ADD COLUMN     "ladderPublicScore" DOUBLE PRECISION,
ADD COLUMN     "privateCorrect" BYTEA,
ADD COLUMN     "publicCorrect" BYTEA,
ADD COLUMN     "publicPredictions" BYTEA,
ADD COLUMN     "trainSliceScore" DOUBLE PRECISION;

-- AlterTable
ALTER TABLE "Submission" ADD COLUMN     "baselineLabel" TEXT,
ADD COLUMN     "latePenalty" DOUBLE PRECISION;

-- AlterTable
ALTER TABLE "Team" ADD COLUMN     "createdById" TEXT,
ADD COLUMN     "inviteCode" TEXT;

-- AlterTable
ALTER TABLE "User" ADD COLUMN     "emailOnClosed" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "emailOnScored" BOOLEAN NOT NULL DEFAULT true;

-- CreateTable
CREATE TABLE "PasswordResetToken" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "usedAt" TIMESTAMP(3),
    "createdById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PasswordResetToken_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Extension" (
    "id" TEXT NOT NULL,
    "competitionId" TEXT NOT NULL,
    "userId" TEXT,
    "teamId" TEXT,
    "closesAt" TIMESTAMP(3) NOT NULL,
    "reason" TEXT NOT NULL DEFAULT '',
    "grantedById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Extension_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DigitCollection" (
    "id" TEXT NOT NULL,
    "courseId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "studentsMayDraw" BOOLEAN NOT NULL DEFAULT false,
    "closedAt" TIMESTAMP(3),
    "testSetId" TEXT,
    "createdById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DigitCollection_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DrawnDigit" (
    "id" TEXT NOT NULL,
    "collectionId" TEXT NOT NULL,
    "label" INTEGER NOT NULL,
    "pixels" BYTEA NOT NULL,
    "authorId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DrawnDigit_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "PasswordResetToken_tokenHash_key" ON "PasswordResetToken"("tokenHash");

-- CreateIndex
CREATE INDEX "PasswordResetToken_userId_idx" ON "PasswordResetToken"("userId");

-- CreateIndex
CREATE UNIQUE INDEX "Extension_competitionId_userId_key" ON "Extension"("competitionId", "userId");

-- CreateIndex
CREATE UNIQUE INDEX "Extension_competitionId_teamId_key" ON "Extension"("competitionId", "teamId");

-- CreateIndex
CREATE INDEX "DigitCollection_courseId_idx" ON "DigitCollection"("courseId");

-- CreateIndex
CREATE INDEX "DrawnDigit_collectionId_idx" ON "DrawnDigit"("collectionId");

-- CreateIndex
CREATE INDEX "Job_status_lane_createdAt_idx" ON "Job"("status", "lane", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Team_inviteCode_key" ON "Team"("inviteCode");

-- AddForeignKey
ALTER TABLE "PasswordResetToken" ADD CONSTRAINT "PasswordResetToken_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Extension" ADD CONSTRAINT "Extension_competitionId_fkey" FOREIGN KEY ("competitionId") REFERENCES "Competition"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Extension" ADD CONSTRAINT "Extension_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Extension" ADD CONSTRAINT "Extension_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DigitCollection" ADD CONSTRAINT "DigitCollection_courseId_fkey" FOREIGN KEY ("courseId") REFERENCES "Course"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DigitCollection" ADD CONSTRAINT "DigitCollection_testSetId_fkey" FOREIGN KEY ("testSetId") REFERENCES "TestSet"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DrawnDigit" ADD CONSTRAINT "DrawnDigit_collectionId_fkey" FOREIGN KEY ("collectionId") REFERENCES "DigitCollection"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DrawnDigit" ADD CONSTRAINT "DrawnDigit_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;
