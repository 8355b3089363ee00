export { computeStandings, type LeaderboardEntrant, type ScoredSubmission, type Standing, type Standings } from "./standings";
export { privateLeaderboard, publicLeaderboard, rowsForViewer, type PrivateLeaderboardOptions, type PrivateLeaderboardRow, type PublicLeaderboardRow } from "./boards";
export { selectFinalSubmissions, type FinalSelectionResult } from "./finals";
export { decideLadder, type LadderDecision } from "./ladder";
export { ladderView, probingGuardNote, scoreInterval, type LadderView } from "./explain";
export { integrityReport, NEAR_IDENTICAL, type ContaminationFlag, type CopyFlag, type IntegrityReport } from "./integrity";
