import * as z from "zod";

/**
 * True for a name that `Object.prototype` already has (`__proto__`, `constructor`, `toString`, …).
 * Such a name used as a key of a plain object reads or writes the prototype instead of an entry, so
 * no id in any store or path may be one.
 */
export function isPrototypeKey(id: string): boolean {
  return id in Object.prototype;
}

/**
 * The id any keyed store accepts from the outside (a path parameter, a frame field): 1–128 letters,
 * digits, `.`, `_`, `:`, `-`, starting with a letter or digit, and never a prototype key. Stores use
 * `Map` or null-prototype objects as well; this is the check at the door that makes the answer a 400/404.
 */
export const RecordIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, "id: 1-128 letters, digits, '.', '_', ':' or '-', starting with a letter or digit")
  .refine((id) => !isPrototypeKey(id), { message: "id: a reserved name (an Object.prototype key) is not an id" });
export type RecordId = z.infer<typeof RecordIdSchema>;
