export * from './source-suite.ts';
