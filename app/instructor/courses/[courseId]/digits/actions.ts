"use server";

import { revalidatePath } from "next/cache";
import {
  addDrawnDigit,
  createDigitCollection,
  deleteDrawnDigit,
  makeTestSetFromCollection,
  updateDigitCollection,
  type DigitCollectionInput,
  type DigitCollectionUpdate,
  type DrawingInput,
} from "@/lib/competitions/digit-collections";
import { db } from "@/lib/db";
import { runAction } from "@/web/action-result";
import { actionUser } from "@/web/view/form-action";

/** Drawn-digit collections: the lib checks who may do what (lib/competitions/digit-collections.ts). */
export async function createDigitCollectionAction(courseId: string, input: DigitCollectionInput) {
  return runAction(async () => {
    const user = await actionUser();
    const collection = await createDigitCollection(db(), user.id, courseId, input);
    revalidatePath(`/instructor/courses/${courseId}/digits`);
    return { id: collection.id };
  });
}

export async function updateDigitCollectionAction(collectionId: string, update: DigitCollectionUpdate) {
  return runAction(async () => {
    const user = await actionUser();
    const collection = await updateDigitCollection(db(), user.id, collectionId, update);
    revalidatePath(`/instructor/courses/${collection.courseId}/digits/${collectionId}`);
    return { openToStudents: collection.openToStudents, studentsUntil: collection.studentsUntil };
  });
}

/** One drawing: the canvas's raw grayscale bytes (base64); the server preprocesses them. */
export async function addDrawnDigitAction(collectionId: string, drawing: DrawingInput) {
  return runAction(async () => {
    const user = await actionUser();
    const added = await addDrawnDigit(db(), user.id, collectionId, drawing);
    return { id: added.digit.id, label: added.digit.label, image: added.digit.image, perClassCounts: added.perClassCounts, drawnByYou: added.drawnByYou };
  });
}

export async function deleteDrawnDigitAction(digitId: string) {
  return runAction(async () => {
    const user = await actionUser();
    await deleteDrawnDigit(db(), user.id, digitId);
    return null;
  });
}

export async function makeDigitTestSetAction(collectionId: string, name: string) {
  return runAction(async () => {
    const user = await actionUser();
    const preview = await makeTestSetFromCollection(db(), user.id, collectionId, { name: typeof name === "string" ? name : undefined });
    return { id: preview.testSet.id, name: preview.testSet.name, count: preview.testSet.count, warnings: preview.warnings };
  });
}
