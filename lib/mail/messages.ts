/**
 * The text of every mail Holdout sends, in one place. Plain text (every client shows it, links
 * stay copyable). Durations rather than clock times: a mail cannot know the reader's time zone.
 */
export interface Message {
  subject: string;
  text: string;
}

const SIGNATURE = "\n\n-- \nHoldout. You get this mail because of your account on this Holdout site.";

function hours(n: number): string {
  return n === 1 ? "1 hour" : n % 24 === 0 ? (n === 24 ? "24 hours" : `${n / 24} days`) : `${n} hours`;
}

export function passwordResetMessage(input: { name: string; url: string; validHours: number; requestedBy: "instructor" | "admin" | "self" }): Message {
  const why =
    input.requestedBy === "self"
      ? "Somebody (hopefully you) asked to reset the password of your Holdout account. If it was not you, ignore this mail: your password stays as it is."
      : input.requestedBy === "admin"
        ? "A site administrator started a password reset for your Holdout account."
        : "Your instructor started a password reset for your Holdout account.";
  return {
    subject: "Reset your Holdout password",
    text: `Hello ${input.name},\n\n${why}\n\nChoose a new password here (the link works once, for ${hours(input.validHours)}):\n${input.url}\n\nSetting a new password signs out every session of your account.${SIGNATURE}`,
  };
}

export function claimLinkMessage(input: { name: string; courseName: string; url: string; validDays: number; kind: "set-password" | "accept" }): Message {
  const what =
    input.kind === "set-password"
      ? `Your instructor added you to ${input.courseName} on Holdout, the course's model competition site. Open this link to choose your password`
      : `Your instructor added your existing Holdout account to ${input.courseName}. Sign in, then open this link to join the course`;
  return {
    subject: `Your Holdout account for ${input.courseName}`,
    text: `Hello ${input.name},\n\n${what} (it works once, for ${input.validDays} days):\n${input.url}${SIGNATURE}`,
  };
}

export function scoredMessage(input: { name: string; competitionTitle: string; metric: string; publicScore: number | null; reportUrl: string; preferencesUrl: string }): Message {
  const score =
    input.publicScore === null
      ? "Its public score is on the report and the leaderboard."
      : `Public ${input.metric}: ${input.publicScore.toFixed(4)} (on the public part of the test set; the private score counts after the close)`;
  return {
    subject: `Scored: your submission to ${input.competitionTitle}`,
    text:
      `Hello ${input.name},\n\nYour submission to ${input.competitionTitle} is scored.\n\n` +
      `${score}\n\n` +
      `The full report:\n${input.reportUrl}\n\nSwitch these mails off on your account page: ${input.preferencesUrl}${SIGNATURE}`,
  };
}

export function closedMessage(input: { name: string; competitionTitle: string; courseName: string; submissions: number; leaderboardUrl: string; preferencesUrl: string }): Message {
  const yours =
    input.submissions === 0
      ? "You made no submissions to it."
      : `You made ${input.submissions} submission${input.submissions === 1 ? "" : "s"}; the final standings use the private part of the test set.`;
  return {
    subject: `Closed: ${input.competitionTitle}`,
    text:
      `Hello ${input.name},\n\n${input.competitionTitle} (${input.courseName}) has closed. ${yours}\n\n` +
      `The final leaderboard:\n${input.leaderboardUrl}\n\nSwitch these mails off on your account page: ${input.preferencesUrl}${SIGNATURE}`,
  };
}
