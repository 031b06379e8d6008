/**
 * Branded ids: a video id cannot be passed where an annotator id is expected, although both are integers
 * in SQLite. Cast only where a row comes out of the database or a message has been validated.
 */
declare const brand: unique symbol;
type Brand<T, B extends string> = T & { readonly [brand]: B };

export type VideoId = Brand<number, 'VideoId'>;
export type AnnotatorId = Brand<number, 'AnnotatorId'>;
/** A person of one video (1, 2, ...): only meaningful together with its VideoId. */
export type PersonId = Brand<number, 'PersonId'>;
export type LabelId = Brand<number, 'LabelId'>;
/** The newest labels row id: grows with every label edit in the project (labels are append-only). */
export type LabelsRevision = Brand<number, 'LabelsRevision'>;
export type JobId = Brand<string, 'JobId'>;
