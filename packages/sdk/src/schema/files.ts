import { fileURLToPath } from 'node:url';

/** The SDK's schemas/ folder (the repository's top-level schemas/ links here): the contract every message, event, file and plugin is checked against. */
export const schemasDir = fileURLToPath(new URL('../../schemas/', import.meta.url));
export const SCHEMA_BASE = 'https://datamaster.dev/schemas/';
