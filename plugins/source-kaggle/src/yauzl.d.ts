// The subset of yauzl 3 this plugin uses (the package ships no types and @types/yauzl is not installed).
declare module 'yauzl' {
  import type { EventEmitter } from 'node:events';
  import type { Readable } from 'node:stream';

  export interface ExtraField {
    id: number;
    data: Buffer;
  }
  export interface Entry {
    /** A Buffer when the zip was opened with decodeStrings: false. */
    fileName: string | Buffer;
    extraFields: ExtraField[];
    generalPurposeBitFlag: number;
    versionMadeBy: number;
    externalFileAttributes: number;
    compressedSize: number;
    uncompressedSize: number;
    compressionMethod: number;
    isEncrypted(): boolean;
    canDecodeFileData(): boolean;
  }
  export interface ZipFile extends EventEmitter {
    entryCount: number;
    readEntry(): void;
    openReadStream(entry: Entry, callback: (err: Error | null, stream: Readable) => void): void;
    close(): void;
    on(event: 'entry', listener: (entry: Entry) => void): this;
    on(event: 'end' | 'close', listener: () => void): this;
    on(event: 'error', listener: (err: Error) => void): this;
  }
  export interface Options {
    autoClose?: boolean;
    lazyEntries?: boolean;
    decodeStrings?: boolean;
    validateEntrySizes?: boolean;
    strictFileNames?: boolean;
  }
  export function open(path: string, options: Options, callback: (err: Error | null, zipfile: ZipFile) => void): void;
  export function getFileNameLowLevel(generalPurposeBitFlag: number, fileNameBuffer: Buffer, extraFields: ExtraField[], strictFileNames: boolean): string;
  const yauzl: { open: typeof open; getFileNameLowLevel: typeof getFileNameLowLevel };
  export default yauzl;
}
