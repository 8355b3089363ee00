/**
 * The copy-paste notebook cell shown on a competition page: saves the Keras model and its
 * training history, posts them to the API with the token from HOLDOUT_TOKEN, and waits for the
 * public score. Pure, so the page and the tests render exactly the same text.
 */
export interface NotebookSnippetOptions {
  /** The site's public URL, e.g. https://holdout.example.edu (no trailing slash needed). */
  baseUrl: string;
  slug: string;
  /** What the model expects: "1/255" (default), "raw" or "mean=..;std=..". */
  preprocessing?: string;
}

/** A Python string literal (JSON's escaping is valid Python for these strings). */
function py(value: string): string {
  return JSON.stringify(value);
}

export function notebookSnippet({ baseUrl, slug, preprocessing = "1/255" }: NotebookSnippetOptions): string {
  const base = baseUrl.replace(/\/+$/, "");
  return `# Submit this notebook's model to Holdout (competition ${slug}).
# 1. Create a token on ${base}/account and keep it out of the notebook:
#    %env HOLDOUT_TOKEN=hdt_...   (or, in Colab: os.environ["HOLDOUT_TOKEN"] = userdata.get("HOLDOUT_TOKEN"))
# 2. Run this cell after training: it uses \`model\` and \`history\` from model.fit().
import json, os, time
import requests

HOLDOUT_URL = ${py(base)}
COMPETITION = ${py(slug)}
HEADERS = {"Authorization": "Bearer " + os.environ["HOLDOUT_TOKEN"]}

model.save("model.keras")
with open("history.json", "w") as f:
    json.dump(history.history, f, default=float)

with open("model.keras", "rb") as model_file, open("history.json", "rb") as history_file:
    response = requests.post(
        f"{HOLDOUT_URL}/api/v1/competitions/{COMPETITION}/submissions",
        headers=HEADERS,
        data={"kind": "weights", "preprocessing": ${py(preprocessing)}, "note": "from my notebook"},
        files=[("files", ("model.keras", model_file)), ("files", ("history.json", history_file))],
        timeout=600,
    )
body = response.json()
if not response.ok:
    raise RuntimeError(f"Holdout refused the submission ({response.status_code}): {body.get('message')}")
for warning in body["warnings"]:
    print("warning:", warning)
submission_id = body["submission"]["id"]
print("Submitted", submission_id, "-", body["remainingToday"], "submissions left today")

while True:
    status = requests.get(f"{HOLDOUT_URL}/api/v1/submissions/{submission_id}", headers=HEADERS, timeout=60)
    status.raise_for_status()
    submission = status.json()["submission"]
    if submission["status"] in ("SCORED", "FAILED", "CANCELLED"):
        break
    progress = submission.get("progress") or {}
    print(submission["status"], progress.get("message") or "", end="\\r")
    time.sleep(5)

if submission["status"] == "SCORED":
    print(f"Public score: {submission['score']['public']:.4f}")
else:
    print(submission["status"], "-", submission.get("failureReason"))
`;
}
