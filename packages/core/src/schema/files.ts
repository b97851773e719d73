import { fileURLToPath } from 'node:url';

/** The repository's schemas/ folder: the contract every message, event, file and plugin is checked against. */
export const schemasDir = fileURLToPath(new URL('../../../../schemas/', import.meta.url));
export const SCHEMA_BASE = 'https://datamaster.dev/schemas/';
