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

export const JOB_TYPES = { evaluateSubmission: "evaluate-submission" } as const;
export type JobType = (typeof JOB_TYPES)[keyof typeof JOB_TYPES];
