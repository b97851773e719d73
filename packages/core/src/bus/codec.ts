import { BusError } from './errors.ts';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Messages are JSON on the wire, in both buses, so MemoryBus shows the same copying semantics as NATS. */
export function encodeJson(subject: string, data: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(data);
  } catch (err) {
    throw new BusError('E_BUS_PAYLOAD', subject, `payload for '${subject}' is not JSON-serialisable: ${(err as Error).message}`, { cause: err });
  }
  // JSON.stringify(undefined) is undefined; send null so the receiver gets a value
  return text ?? 'null';
}

export function encodeJsonBytes(subject: string, data: unknown): Uint8Array {
  return encoder.encode(encodeJson(subject, data));
}

export function decodeJson<T>(subject: string, bytes: Uint8Array | string): T {
  const text = typeof bytes === 'string' ? bytes : decoder.decode(bytes);
  if (text === '') return null as T;
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    throw new BusError('E_BUS_PAYLOAD', subject, `message on '${subject}' is not JSON: ${(err as Error).message}`, { cause: err });
  }
}
