export { competitionForUser, competitionPhase, type CompetitionAccess } from "./access";
export * from "./defaults";
export { competitionInputSchema, parseCompetitionInput, randomSplitSeed, DATASET_IDS, SLUG_PATTERN, type CompetitionInput, type CompetitionSettings, type FieldIssue } from "./schema";
export { createCompetition, updateCompetition, competitionToInput, SCORE_AFFECTING_FIELDS, type UpdateCompetitionOptions, type UpdateCompetitionResult } from "./manage";
export { rescoreCompetition, type RescoreResult } from "./rescore";
export { disqualifySubmission, reinstateSubmission } from "./moderation";
export { isCourseInstructor, requireCourseInstructor } from "./permissions";
