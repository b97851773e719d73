import { DataMasterError } from '@datamaster/sdk';

/** `kaggle:<owner>/<slug>[:<file>]`; whitespace and '%' in a file name are percent-encoded (ids have no spaces). */
export interface KaggleSourceId {
  ref: string;
  file?: string;
}

const encodePart = (s: string) => s.replace(/[%\s]/g, (c) => encodeURIComponent(c));

export function formatKaggleId(ref: string, file?: string): string {
  return `kaggle:${ref}${file ? `:${encodePart(file)}` : ''}`;
}

export function parseKaggleId(id: string): KaggleSourceId {
  const m = /^kaggle:([A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+)(?::(.+))?$/.exec(id);
  if (!m) {
    throw new DataMasterError('E_SOURCE_ID', `source-kaggle: '${id}' is not a Kaggle source id; expected kaggle:<owner>/<dataset-slug>[:<file>]`, { id });
  }
  return m[2] ? { ref: m[1]!, file: decodeURIComponent(m[2]) } : { ref: m[1]! };
}
