// The errors the twin's boundaries turn into HTTP statuses (re-exported by twin.ts, where most callers import them).

/** A problem with what a caller sent, with the path to it; boundaries turn it into a 400. */
export class InputError extends Error {
  constructor(message: string, readonly path: (string | number)[] = []) {
    super(message);
  }
}

/** A report dated outside the accepted window (models/reportTime.ts): counted apart at the boundaries. */
export class ReportTimeError extends InputError {}

export class NotFoundError extends Error {}
