import { z } from "zod";

/**
 * Job payloads are versioned schemas, parsed on write (enqueueEvaluation) and on read (the
 * worker's handler, worker/evaluate.ts): a job written by an older web process is either
 * understood or failed with a clear reason, never misread.
 */
export const evaluateSubmissionPayload = z.object({
  version: z.literal(1),
  submissionId: z.string().min(1),
  /** A rescore requeues the same submission; the number just makes the job distinct. */
  rescore: z.number().int().nonnegative().default(0),
});
export type EvaluateSubmissionPayload = z.input<typeof evaluateSubmissionPayload>;

/**
 * One mail message (lib/mail): rendered when it is queued, sent by the worker. `notice` marks a
 * notice the recipient can switch off (checked again when it is sent); `dedupeKey` makes a
 * message that must go once (e.g. "scored:<submissionId>") go once. The text may hold a one-time
 * link: the worker blanks it once the message is sent.
 */
export const mailPayload = z.object({
  version: z.literal(1),
  to: z.email(),
  subject: z.string().min(1).max(300),
  text: z.string().max(20_000),
  userId: z.string().min(1).optional(),
  notice: z.enum(["scored", "closed"]).optional(),
  dedupeKey: z.string().min(1).max(300).optional(),
});
export type MailPayload = z.input<typeof mailPayload>;

export const JOB_TYPES = { evaluateSubmission: "evaluate-submission", mail: "mail" } as const;
export type JobType = (typeof JOB_TYPES)[keyof typeof JOB_TYPES];
