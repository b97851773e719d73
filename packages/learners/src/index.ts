export * from './types.ts';
export * from './library/index.ts';
export * from './command/index.ts';
