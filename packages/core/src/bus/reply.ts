import { errorInfo } from '../errors.ts';
import { ERROR_HEADER, RemoteError } from './errors.ts';

/** A responder's exception as a reply: header Dm-Error = code, body {code, message}. */
export function errorReply(err: unknown): { headers: Record<string, string>; body: { code: string; message: string } } {
  const info = errorInfo(err);
  return { headers: { [ERROR_HEADER]: info.code }, body: info };
}

/** Turns an error reply back into the error the requester throws (remote code, remote message). */
export function remoteError(subject: string, code: string, body: unknown): RemoteError {
  const message =
    body && typeof body === 'object' && typeof (body as { message?: unknown }).message === 'string'
      ? (body as { message: string }).message
      : `responder on '${subject}' failed`;
  return new RemoteError(code, subject, message);
}
