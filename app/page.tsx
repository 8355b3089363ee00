import Link from "next/link";
import { redirect } from "next/navigation";
import { currentUser } from "@/web/session";

export default async function HomePage() {
  if (await currentUser().catch(() => null)) redirect("/courses");
  return (
    <div className="mx-auto max-w-3xl space-y-6 py-12">
      <h1 className="text-4xl font-bold tracking-tight">Holdout</h1>
      <p className="text-lg text-slate-700">
        Competitions and grading for deep-learning courses. Submit the model you trained in Keras or TensorFlow.js, or an architecture for Holdout to train,
        and see how it really does on a hidden test set: accuracy, overtraining curves, confusion matrix and a leaderboard.
      </p>
      <div className="flex gap-3">
        <Link href="/signin" className="rounded-md bg-indigo-600 px-4 py-2 font-medium text-white hover:bg-indigo-700">Sign in</Link>
        <Link href="/signup" className="rounded-md border border-slate-300 bg-white px-4 py-2 font-medium hover:bg-slate-50">Sign up with a join code</Link>
      </div>
    </div>
  );
}
