import Link from "next/link";

export default function Forbidden() {
  return (
    <div className="mx-auto max-w-lg space-y-3 py-12 text-center">
      <h1 className="text-2xl font-semibold">403: not allowed</h1>
      <p className="text-slate-600">This page is for the course&apos;s instructors. If you should have access, ask an instructor to add you.</p>
      <Link href="/courses" className="text-indigo-700 underline">Back to your courses</Link>
    </div>
  );
}
