import { DataMasterError } from '../errors.ts';

/**
 * Stable codes the bus raises. A remote error (thrown inside a `respond` handler) keeps the
 * responder's own code, so these are not the only codes `request()` can reject with.
 */
export type BusErrorCode =
  | 'E_TIMEOUT'
  | 'E_NO_RESPONDERS'
  | 'E_BUS_CLOSED'
  | 'E_BUS_SUBJECT'
  | 'E_BUS_PAYLOAD'
  | 'E_BUS_CONFIG'
  | 'E_PUBLISH_FAILED'
  | 'E_BUS_CONNECT';

/** An error of the transport itself (not of a remote handler): always names the subject involved. */
export class BusError extends DataMasterError {
  readonly subject: string;
  constructor(code: BusErrorCode, subject: string, message: string, options?: { cause?: unknown }) {
    super(code, message, { subject }, options);
    this.subject = subject;
  }
}

/** The error a `respond` handler threw, carried back to the requester with its code and message. */
export class RemoteError extends DataMasterError {
  readonly subject: string;
  constructor(code: string, subject: string, message: string) {
    super(code, message, { subject, remote: true });
    this.subject = subject;
  }
}

/** Headers that carry a responder's error back in a reply (the body is then {code, message}). */
export const ERROR_HEADER = 'Dm-Error';
