export { computeStandings, type LeaderboardEntrant, type ScoredSubmission, type Standing, type Standings } from "./standings";
export { privateLeaderboard, publicLeaderboard, type PrivateLeaderboardOptions, type PrivateLeaderboardRow, type PublicLeaderboardRow } from "./boards";
export { selectFinalSubmissions, type FinalSelectionResult } from "./finals";
