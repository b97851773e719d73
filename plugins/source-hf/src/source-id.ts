import { DataMasterError } from '@datamaster/sdk';

/** `hf:<owner>/<name>[:<file path>]`; whitespace and '%' in a file path are percent-encoded (ids have no spaces). */
export interface HfSourceId {
  repo: string;
  file?: string;
}

const encodePart = (s: string) => s.replace(/[%\s]/g, (c) => encodeURIComponent(c));

export function formatHfId(repo: string, file?: string): string {
  return `hf:${repo}${file ? `:${encodePart(file)}` : ''}`;
}

export function parseHfId(id: string): HfSourceId {
  const m = /^hf:([^:\s]+\/[^:\s]+)(?::(.+))?$/.exec(id);
  if (!m) {
    throw new DataMasterError('E_SOURCE_ID', `source-hf: '${id}' is not a Hugging Face source id; expected hf:<owner>/<dataset>[:<file>]`, { id });
  }
  return m[2] ? { repo: m[1]!, file: decodeURIComponent(m[2]) } : { repo: m[1]! };
}
