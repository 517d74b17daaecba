/**
 * The error shape Pulumi's dynamic-provider host reports as "created but failed to initialise": the
 * resource exists (its id and properties go into the state, so the next `up` updates or deletes it)
 * but it never became healthy. A plain Error with fields, not a class, so it serializes trivially.
 */
export function initFailure(message: string, id: string, properties: Record<string, unknown>, reasons: string[]): Error {
  return Object.assign(new Error(message), { id, properties, reasons });
}
