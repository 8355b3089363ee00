/**
 * The API's endpoints, for the /api/docs page. docs/api.md documents the same list in more words;
 * a test checks that both name every route.
 */
export interface EndpointDoc {
  method: "GET" | "POST" | "PUT" | "PATCH";
  path: string;
  summary: string;
  who: string;
  params?: Array<{ name: string; description: string }>;
  curl: string;
  response: string;
  errors: Array<{ status: number; when: string }>;
}

const AUTH = '-H "Authorization: Bearer $HOLDOUT_TOKEN"';

export const ENDPOINTS: EndpointDoc[] = [
  {
    method: "GET",
    path: "/api/v1/me",
    summary: "Who the token belongs to. A cheap way to check that a token works.",
    who: "anyone with a token",
    curl: `curl ${AUTH} $HOLDOUT_URL/api/v1/me`,
    response: `{ "user": { "id": "clx…", "email": "ada@uni.edu", "name": "Ada", "role": "student" }, "via": "token" }`,
    errors: [{ status: 401, when: "no token, or an unknown or revoked one" }],
  },
  {
    method: "GET",
    path: "/api/v1/competitions",
    summary: "The competitions of your courses, with how many submissions you have left today.",
    who: "students and instructors of the course",
    curl: `curl ${AUTH} $HOLDOUT_URL/api/v1/competitions`,
    response: `{ "competitions": [ {
    "slug": "mnist", "title": "MNIST digits", "course": { "id": "…", "name": "Deep Learning" },
    "dataset": "mnist", "metric": "accuracy",
    "opensAt": "2026-01-10T00:00:00.000Z", "closesAt": "2026-02-01T00:00:00.000Z",
    "phase": "open", "allowedKinds": ["weights", "definition"],
    "dailyLimit": 5, "remainingToday": 3, "resetsAt": "2026-01-16T00:00:00.000Z", "role": "student"
} ] }`,
    errors: [{ status: 401, when: "no valid token" }],
  },
  {
    method: "GET",
    path: "/api/v1/competitions/{slug}",
    summary: "One competition; adds description, publicFraction, maxFinalSelections, trainingBudget and customTestSet.",
    who: "students and instructors of the course",
    curl: `curl ${AUTH} $HOLDOUT_URL/api/v1/competitions/mnist`,
    response: `{ "competition": { "slug": "mnist", …, "description": "…", "publicFraction": 0.3,
  "maxFinalSelections": 2, "trainingBudget": { "maxEpochs": 20, "maxSeconds": 1800, "maxParams": 5000000 }, "customTestSet": false } }`,
    errors: [{ status: 404, when: "no such competition in your courses" }],
  },
  {
    method: "POST",
    path: "/api/v1/competitions/{slug}/submissions",
    summary: "Submit model files (multipart/form-data). Files are checked with the same code the worker uses before anything is stored.",
    who: "students (daily limit applies) and instructors (baselines, no limit)",
    params: [
      { name: "files", description: "one part per file: model.keras, model.h5, or model.json + its .bin shards; optionally history.json (Keras history.history)" },
      { name: "kind", description: '"weights" (a trained model, default) or "definition" (an architecture Holdout trains)' },
      { name: "preprocessing", description: '"1/255" (default: pixels scaled to 0..1), "raw" (0..255) or "mean=0.49,0.48,0.45;std=0.25,0.24,0.26"' },
      { name: "trainingSettings", description: 'definition track, a JSON string: {"optimizer":"adam","learningRate":0.001,"batchSize":64,"epochs":5}' },
      { name: "note", description: "up to 500 characters, for yourself" },
    ],
    curl: `curl ${AUTH} \\
  -F kind=weights -F preprocessing=1/255 -F note="first CNN" \\
  -F files=@model.keras -F files=@history.json \\
  $HOLDOUT_URL/api/v1/competitions/mnist/submissions`,
    response: `201 Created
{ "submission": { "id": "clx…", "status": "QUEUED", "url": "https://…/api/v1/submissions/clx…", "pageUrl": "https://…/c/mnist/submissions/clx…" },
  "warnings": [], "remainingToday": 4 }`,
    errors: [
      { status: 400, when: "not multipart, unknown field, no files, bad file name, trainingSettings not JSON, unknown kind or preprocessing" },
      { status: 403, when: "the competition is not open (upcoming or closed)" },
      { status: 404, when: "no such competition in your courses" },
      { status: 413, when: "over the upload limit (all files, one file, or the number of files); refused while streaming" },
      { status: 422, when: 'the files are not a usable model: { "error": "UNPROCESSABLE", "message": "…", "errors": ["…", "…"] }' },
      { status: 429, when: "daily submission limit reached (Retry-After: seconds to 00:00 UTC), or the API rate limit" },
    ],
  },
  {
    method: "GET",
    path: "/api/v1/competitions/{slug}/submissions",
    summary: "Your own submissions in a competition, newest first.",
    who: "students and instructors of the course",
    curl: `curl ${AUTH} $HOLDOUT_URL/api/v1/competitions/mnist/submissions`,
    response: `{ "submissions": [ { "id": "clx…", "kind": "WEIGHTS", "format": "keras", "status": "SCORED", "progress": {…},
  "failureReason": null, "note": "first CNN", "createdAt": "…", "selectedForFinal": false,
  "disqualifiedReason": null, "publicScore": 0.9912, "privateScore": null } ] }`,
    errors: [{ status: 404, when: "no such competition in your courses" }],
  },
  {
    method: "GET",
    path: "/api/v1/submissions/{id}",
    summary: "Status, progress, queue position and scores of a submission. Poll this (every few seconds) until the status is SCORED, FAILED or CANCELLED.",
    who: "the submitter, and instructors of the course",
    curl: `curl ${AUTH} $HOLDOUT_URL/api/v1/submissions/clx…`,
    response: `{ "submission": {
  "id": "clx…", "competition": { "slug": "mnist", "title": "MNIST digits", "closed": false },
  "kind": "weights", "format": "keras", "note": null,
  "status": "TRAINING", "progress": { "phase": "TRAINING", "epoch": 3, "totalEpochs": 10, "fraction": 0.3, "etaSeconds": 42 },
  "queuePosition": null, "failureReason": null, "failureSource": null, "disqualifiedReason": null, "selectedForFinal": false,
  "createdAt": "…", "startedAt": "…", "finishedAt": null,
  "score": { "metric": "accuracy", "public": 0.9912, "publicLoss": 0.031, "private": null, "privateLoss": null },
  "curves": { "epochs": [ { "epoch": 1, "loss": 0.41, "valLoss": 0.2, … } ], "bestEpoch": 1, … } | null,
  "url": "https://…/api/v1/submissions/clx…", "reportUrl": "https://…/api/v1/submissions/clx…/report",
  "pageUrl": "https://…/c/mnist/submissions/clx…" } }`,
    errors: [{ status: 404, when: "no such submission, or someone else's (same answer)" }],
  },
  {
    method: "POST",
    path: "/api/v1/submissions/{id}/cancel",
    summary: "Withdraw your own submission while it waits in the queue (a wrong file, say). It gives today's slot back. Once a worker has started on it, it runs to the end.",
    who: "the submitter",
    curl: `curl -X POST ${AUTH} $HOLDOUT_URL/api/v1/submissions/clx…/cancel`,
    response: `{ "submission": { "id": "clx…", "status": "CANCELLED" } }`,
    errors: [
      { status: 404, when: "no such submission, or not yours" },
      { status: 409, when: "not waiting in the queue any more (a worker started on it, or it is finished)" },
    ],
  },
  {
    method: "GET",
    path: "/api/v1/submissions/{id}/report",
    summary: "The full report: public metrics (per class, calibration), curves, model summary, confusion matrix, misclassified examples. Private metrics only after the close.",
    who: "the submitter, and instructors of the course",
    curl: `curl ${AUTH} $HOLDOUT_URL/api/v1/submissions/clx…/report`,
    response: `{ "id": "clx…", "competition": {…}, "user": { "id": "…", "name": "Ada" }, "kind": "WEIGHTS", "format": "keras",
  "status": "SCORED", "files": [ { "name": "model.keras", "role": "model", "size": 446274 } ], "queuePosition": null,
  "score": {…}, "report": { "backend": "wasm", "examplesPerSecond": 5400, "metrics": {…}, "privateMetrics": null,
  "curves": {…}, "summary": {…}, "confusion": [[…]], "misclassified": [ { "index": 1234, "predicted": 7, "actual": 2, "confidence": 0.91 } ],
  "splitInfo": {…} }, "viewerIsInstructor": false, … }`,
    errors: [
      { status: 404, when: "no such submission, or someone else's" },
      { status: 409, when: "still being evaluated (QUEUED, VALIDATING, TRAINING, SCORING): poll the status first" },
    ],
  },
  {
    method: "GET",
    path: "/api/v1/submissions/{id}/misclassified/{n}.png",
    summary: "The n-th (from 0) misclassified example of the report as a PNG. Only public-split test images are served. ?scale=1..8 enlarges it.",
    who: "the submitter, and instructors of the course",
    curl: `curl ${AUTH} -o example.png "$HOLDOUT_URL/api/v1/submissions/clx…/misclassified/0.png?scale=4"`,
    response: "image/png",
    errors: [
      { status: 403, when: "the example is not in the public split (never served)" },
      { status: 404, when: "no such submission, or n past the end of the list" },
      { status: 409, when: "the report is not ready yet" },
    ],
  },
  {
    method: "GET",
    path: "/api/v1/competitions/{slug}/leaderboard",
    summary: "A leaderboard, best first: ?board=public (default) or ?board=private.",
    who: "students and instructors of the course; the private board only after the close (instructors: always)",
    curl: `curl ${AUTH} "$HOLDOUT_URL/api/v1/competitions/mnist/leaderboard?board=public"`,
    response: `{ "competition": { "slug": "mnist", "title": "MNIST digits", "phase": "open", "closesAt": "…" }, "board": "public",
  "rows": [ { "rank": 1, "entrant": { "id": "…", "type": "user", "name": "Ada", "members": [ { "id": "…", "name": "Ada" } ] },
    "score": 0.9921, "entries": 3, "lastSubmissionAt": "…", "isBaseline": false } ] }
private rows add: "usedFinalSelections", "publicRank", "publicScore", "rankChange"`,
    errors: [
      { status: 400, when: "board is not public or private" },
      { status: 403, when: "private board before the close, for students" },
      { status: 404, when: "no such competition in your courses" },
    ],
  },
  {
    method: "GET",
    path: "/api/v1/competitions/{slug}/grades.csv",
    summary:
      "Grades for an LMS import, one row per student. Holdout's columns: student_id,email,name,best_private_score,final_private_score,grade,note; ?format=canvas: Canvas's gradebook import; ?format=moodle: Moodle's CSV grade import.",
    who: "instructors and TAs of the course",
    params: [{ name: "format (query)", description: "holdout (default), canvas or moodle" }],
    curl: `curl ${AUTH} -o grades.csv "$HOLDOUT_URL/api/v1/competitions/mnist/grades.csv?format=canvas"`,
    response: `text/csv (Content-Disposition: attachment; {slug}-grades.csv, {slug}-grades-canvas.csv, {slug}-grades-moodle.csv)
holdout: student_id,email,name,best_private_score,final_private_score,grade,note — student_id is the roster student number, empty when there is none (match on email; the note says so)
canvas: Student,ID,SIS User ID,SIS Login ID,Section,{competition title} + a "Points Possible" second row
moodle: ID number,Email address,{competition title}`,
    errors: [
      { status: 400, when: "format is not holdout, canvas or moodle" },
      { status: 403, when: "a student of this competition's course" },
      { status: 404, when: "no such competition, or not in your courses (same answer)" },
      { status: 422, when: "the competition has no valid grading scheme" },
    ],
  },
  {
    method: "GET",
    path: "/api/v1/competitions/{slug}/leaderboard.csv",
    summary: "A leaderboard as CSV: ?board=public or ?board=private. Without ?board: the private (final) board once the competition has closed, the public one before.",
    who: "instructors and TAs of the course",
    params: [{ name: "board (query)", description: "public or private; without it, private after the close and public before" }],
    curl: `curl ${AUTH} -o board.csv "$HOLDOUT_URL/api/v1/competitions/mnist/leaderboard.csv?board=public"`,
    response: "text/csv ({slug}-{board}-leaderboard.csv): rank,name,type,members,score,entries,last_submission_at,baseline[,public_rank,public_score,rank_change]",
    errors: [
      { status: 400, when: "board is not public or private" },
      { status: 403, when: "a student of this competition's course" },
      { status: 404, when: "no such competition, or not in your courses (same answer)" },
    ],
  },
  {
    method: "PUT",
    path: "/api/v1/competitions/{slug}/test-set",
    summary:
      "Upload a hidden test set of your own and attach it to the competition (multipart/form-data). It replaces the dataset's official test set in scoring. Allowed only before the competition's first submission. Answers with the preview.",
    who: "instructors of the course",
    params: [
      { name: "files", description: "an IDX pair (images + labels, raw or .gz), CIFAR-10 .bin files, or one .zip of PNG images in folders named by class; optionally classes.txt (one class name per line, in label order). Up to 256 MB; images must have the dataset's size, channels and number of classes" },
      { name: "name", description: "optional; default: the first file's name" },
    ],
    curl: `curl ${AUTH} -X PUT \\
  -F name="Fresh digits 2026" -F files=@images-idx3-ubyte.gz -F files=@labels-idx1-ubyte.gz \\
  $HOLDOUT_URL/api/v1/competitions/mnist/test-set`,
    response: `{ "testSet": { "id": "clx…", "name": "Fresh digits 2026", "format": "idx", "count": 2000, "shape": [28, 28, 1],
    "height": 28, "width": 28, "channels": 1, "classNames": ["0", …, "9"], "perClassCounts": [198, …], "createdAt": "…" },
  "samples": [ { "label": 0, "className": "0", "images": ["data:image/png;base64,…", …] }, … ],
  "split": { "seed": 1234, "publicFraction": 0.3, "public": 600, "private": 1400, "perClass": [ { "label": 0, "className": "0", "total": 198, "public": 59, "private": 139 }, … ] },
  "warnings": [], "replaceable": true }`,
    errors: [
      { status: 400, when: "not multipart, unknown field, no files, bad file name" },
      { status: 403, when: "a student of this competition's course" },
      { status: 404, when: "no such competition, or not in your courses (same answer)" },
      { status: 409, when: "the competition already has a submission: its test set can no longer be replaced" },
      { status: 413, when: "over the upload limit; refused while streaming" },
      { status: 422, when: "the files are not a usable test set, or do not fit the competition's dataset (the message says why and what to do)" },
    ],
  },
  {
    method: "GET",
    path: "/api/v1/competitions/{slug}/test-set",
    summary: "The attached hidden test set's preview (as PUT answers), or { \"testSet\": null } when the competition scores on the dataset's official test set. replaceable: false once it has submissions.",
    who: "instructors of the course",
    curl: `curl ${AUTH} $HOLDOUT_URL/api/v1/competitions/mnist/test-set`,
    response: `{ "testSet": { "id": "clx…", "name": "Fresh digits 2026", "format": "idx", "count": 2000, "shape": [28, 28, 1],
    "height": 28, "width": 28, "channels": 1, "classNames": ["0", …, "9"], "perClassCounts": [198, …], "createdAt": "…" },
  "samples": [ { "label": 0, "className": "0", "images": ["data:image/png;base64,…", …] }, … ],
  "split": { "seed": 1234, "publicFraction": 0.3, "public": 600, "private": 1400, "perClass": [ { "label": 0, "className": "0", "total": 198, "public": 59, "private": 139 }, … ] },
  "warnings": [], "replaceable": true }`,
    errors: [
      { status: 403, when: "a student of this competition's course" },
      { status: 404, when: "no such competition, or not in your courses (same answer)" },
    ],
  },
  {
    method: "POST",
    path: "/api/v1/test-sets",
    summary: "Upload a hidden test set into a course without attaching it (the competition form's upload): ?course=COURSE_ID, the same multipart fields as PUT …/test-set. 201 with the preview (split: null); attach it by choosing it as a competition's test set.",
    who: "instructors of the course",
    curl: `curl ${AUTH} -F files=@test.zip "$HOLDOUT_URL/api/v1/test-sets?course=COURSE_ID"`,
    response: `201 Created
{ "testSet": { "id": "clx…", "name": "Fresh digits 2026", "format": "idx", "count": 2000, "shape": [28, 28, 1],
    "height": 28, "width": 28, "channels": 1, "classNames": ["0", …, "9"], "perClassCounts": [198, …], "createdAt": "…" },
  "samples": [ { "label": 0, "className": "0", "images": ["data:image/png;base64,…", …] }, … ],
  "split": { "seed": 1234, "publicFraction": 0.3, "public": 600, "private": 1400, "perClass": [ { "label": 0, "className": "0", "total": 198, "public": 59, "private": 139 }, … ] },
  "warnings": [], "replaceable": true }`,
    errors: [
      { status: 400, when: "no ?course=, not multipart, no files" },
      { status: 403, when: "a student of the course" },
      { status: 404, when: "no such course among yours" },
      { status: 413, when: "over the upload limit; refused while streaming" },
      { status: 422, when: "the files are not a usable test set (the message says why and what to do)" },
    ],
  },
  {
    method: "GET",
    path: "/api/v1/courses",
    summary: "Your courses with your role in each; the join code for the course's staff (instructors and TAs).",
    who: "anyone with a token",
    curl: `curl ${AUTH} $HOLDOUT_URL/api/v1/courses`,
    response: `{ "courses": [ { "id": "clx…", "name": "Deep Learning", "term": "Fall 2026", "role": "INSTRUCTOR", "archived": false, "joinEnabled": true, "joinCode": "DEEP-7KQ2", "createdAt": "…" } ] }`,
    errors: [{ status: 401, when: "no valid token" }],
  },
  {
    method: "POST",
    path: "/api/v1/courses",
    summary: "Create a course (JSON { name, term? }); you become its instructor. 201 with the course and its join code.",
    who: "instructor accounts",
    curl: `curl ${AUTH} -H "Content-Type: application/json" -d @course.json $HOLDOUT_URL/api/v1/courses   # course.json: {"name": "Deep Learning", "term": "Fall 2026"}`,
    response: `201 Created\n{ "course": { "id": "clx…", "name": "Deep Learning", "term": "Fall 2026", "role": "INSTRUCTOR", "archived": false, "joinEnabled": true, "joinCode": "DEEP-7KQ2", "createdAt": "…" } }`,
    errors: [
      { status: 400, when: "no name, or not JSON" },
      { status: 403, when: "a student or TA account (only instructor accounts create courses)" },
    ],
  },
  {
    method: "GET",
    path: "/api/v1/courses/{courseId}",
    summary: "One of your courses (the join code for its staff).",
    who: "members of the course",
    curl: `curl ${AUTH} $HOLDOUT_URL/api/v1/courses/COURSE_ID`,
    response: `{ "course": { "id": "clx…", "name": "Deep Learning", "term": "Fall 2026", "role": "INSTRUCTOR", "archived": false, "joinEnabled": true, "joinCode": "DEEP-7KQ2", "createdAt": "…" } }`,
    errors: [{ status: 404, when: "no such course among yours" }],
  },
  {
    method: "PATCH",
    path: "/api/v1/courses/{courseId}",
    summary: "Change a course (JSON, any of: name, term, joinEnabled, regenerateJoinCode: true, archived). An archived course takes no new competitions.",
    who: "instructors of the course",
    curl: `curl ${AUTH} -X PATCH -H "Content-Type: application/json" -d @change.json $HOLDOUT_URL/api/v1/courses/COURSE_ID   # change.json: {"regenerateJoinCode": true}`,
    response: `{ "course": { "id": "clx…", "name": "Deep Learning", "term": "Fall 2026", "role": "INSTRUCTOR", "archived": false, "joinEnabled": true, "joinCode": "DEEP-7KQ2", "createdAt": "…" } }`,
    errors: [
      { status: 400, when: "a field of the wrong type" },
      { status: 403, when: "a student or TA of the course" },
      { status: 404, when: "no such course among yours" },
    ],
  },
  {
    method: "GET",
    path: "/api/v1/courses/{courseId}/staff",
    summary: "The course's instructors and teaching assistants.",
    who: "instructors and TAs of the course",
    curl: `curl ${AUTH} $HOLDOUT_URL/api/v1/courses/COURSE_ID/staff`,
    response: `{ "staff": [ { "userId": "clx…", "email": "grace@uni.edu", "name": "Grace", "role": "INSTRUCTOR" }, { …, "role": "TA" } ] }`,
    errors: [
      { status: 403, when: "a student of the course" },
      { status: 404, when: "no such course among yours" },
    ],
  },
  {
    method: "POST",
    path: "/api/v1/courses/{courseId}/staff",
    summary: 'Add a co-instructor or a teaching assistant (JSON { email, role: "INSTRUCTOR" | "TA" }; an existing account; a co-instructor needs an instructor account). TAs see all submissions, the private board and grades, and change nothing.',
    who: "instructors of the course",
    curl: `curl ${AUTH} -H "Content-Type: application/json" -d @ta.json $HOLDOUT_URL/api/v1/courses/COURSE_ID/staff   # ta.json: {"email": "tara@uni.edu", "role": "TA"}`,
    response: `201 Created\n{ "member": { "userId": "clx…", "email": "tara@uni.edu", "name": "Tara", "role": "TA" } }`,
    errors: [
      { status: 400, when: "a co-instructor without an instructor account, or a bad role" },
      { status: 403, when: "a student or TA of the course" },
      { status: 404, when: "no such course among yours, or no account with that email (the message says who creates one)" },
      { status: 409, when: "the change would leave the course without an instructor" },
    ],
  },
  {
    method: "POST",
    path: "/api/v1/courses/{courseId}/roster",
    summary: "Import the class list: the body is CSV (Content-Type: text/csv; columns email, name, optionally student_id). Accounts are made for new emails (they claim them with a claim link); existing accounts get a pending enrolment; instructors are skipped.",
    who: "instructors of the course",
    curl: `curl ${AUTH} -H "Content-Type: text/csv" --data-binary @class.csv $HOLDOUT_URL/api/v1/courses/COURSE_ID/roster`,
    response: `{ "roster": { "created": 38, "enrolled": 40, "alreadyEnrolled": 2, "pending": ["ada@uni.edu"], "instructorsSkipped": [], "errors": [ { "line": 7, "message": "…" } ] } }`,
    errors: [
      { status: 400, when: "not CSV, or no email/name columns" },
      { status: 403, when: "a student or TA of the course" },
      { status: 404, when: "no such course among yours" },
      { status: 413, when: "a class list over 2 MB" },
    ],
  },
  {
    method: "POST",
    path: "/api/v1/courses/{courseId}/competitions",
    summary: "Create a competition (JSON: the new-competition form's fields: slug, title, description, datasetId, opensAt, closesAt, dailyLimit, publicFraction, testSetId, ...). 201 with the competition as GET /api/v1/competitions/{slug} gives it.",
    who: "instructors of the course",
    curl: `curl ${AUTH} -H "Content-Type: application/json" -d @competition.json $HOLDOUT_URL/api/v1/courses/COURSE_ID/competitions   # competition.json: {"slug": "mnist-2026", "title": "MNIST", "datasetId": "mnist", "opensAt": "2026-09-01T00:00:00Z", "closesAt": "2026-10-01T00:00:00Z"}`,
    response: `201 Created\n{ "competition": { "slug": "mnist-2026", … } }`,
    errors: [
      { status: 400, when: "a field is missing or invalid (the message names it)" },
      { status: 403, when: "a student or TA of the course" },
      { status: 404, when: "no such course among yours" },
      { status: 409, when: "the slug is taken, or the course is archived" },
      { status: 422, when: "the dataset's verified files are not on this server (the message says how to fetch them)" },
    ],
  },
];

export const COMMON_ERRORS = [
  { status: 401, when: "no token, a malformed Authorization header, or an unknown or revoked token" },
  { status: 429, when: "more than HOLDOUT_API_RATE_LIMIT requests a minute with one token (Retry-After says how long to wait)" },
  { status: 500, when: "a bug on our side; the message never contains details" },
];
