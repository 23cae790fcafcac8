// The errors VPS Lab throws on purpose, one class per kind a caller may want to tell apart, and the
// one way to turn any thrown value into the line the UI shows.
//
// Each class sets `name`: comlink carries an Error's name and message from a worker to the page,
// but not its class, so across that boundary `e.name === 'AgentTimeoutError'` is the test; on the
// same side `instanceof` works too.

/** The message of an Error, or any other thrown value as text: what the UI shows. */
export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** A thrown value as an Error: itself, or a new Error with the value as its message. */
export function asError(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}

/** The guest agent answered a request with an error, or refused a line it could not read. */
export class AgentError extends Error {
  override name = 'AgentError';
}

/** The guest agent sent something that is not its protocol (images/tools/vpsd/PROTOCOL.md). */
export class AgentProtocolError extends Error {
  override name = 'AgentProtocolError';
}

/** The guest agent did not come up, answer or acknowledge in time. */
export class AgentTimeoutError extends Error {
  override name = 'AgentTimeoutError';
}

/** The agent client was closed (its machine went away) before the answer came. */
export class AgentClosedError extends Error {
  override name = 'AgentClosedError';
}

/** The guest image (manifest, files or emulator) is missing, damaged or does not fit. */
export class ImageError extends Error {
  override name = 'ImageError';
}

/** `vpsctl --json list` failed or printed something the page cannot read. */
export class VpsStatusError extends Error {
  override name = 'VpsStatusError';
}

/** A saved lab (file or IndexedDB record) this page cannot use; the message is one line for the user. */
export class LabFileError extends Error {
  override name = 'LabFileError';
}
