"use client";

import { useState } from "react";
import { Alert, buttonClass, inputClass } from "@/components/ui/form";
import { joinCourseAction } from "./actions";

export function JoinCourseForm() {
  const [message, setMessage] = useState<{ ok: boolean; text: string }>();
  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const code = String(new FormData(event.currentTarget).get("joinCode") ?? "");
    const result = await joinCourseAction(code);
    setMessage(result.ok ? { ok: true, text: `You joined ${result.data.name}.` } : { ok: false, text: result.error });
  }
  return (
    <form onSubmit={onSubmit} className="flex flex-wrap items-end gap-2">
      <div>
        <label htmlFor="joinCode" className="block text-sm font-medium">Join another course</label>
        <input id="joinCode" name="joinCode" placeholder="Join code" required className={`${inputClass} uppercase`} />
      </div>
      <button type="submit" className={buttonClass}>Join</button>
      {message && <div className="w-full"><Alert kind={message.ok ? "success" : "error"}>{message.text}</Alert></div>}
    </form>
  );
}
