import Link from "next/link";

export default function NotFound() {
  return (
    <div className="mx-auto max-w-lg space-y-3 py-12 text-center">
      <h1 className="text-2xl font-semibold">404: not found</h1>
      <p className="text-slate-600">There is nothing here, or it is not yours to see. Check the address, or start again from your courses.</p>
      <Link href="/courses" className="text-indigo-700 underline">Your courses</Link>
    </div>
  );
}
