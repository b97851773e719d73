// Generates packages/sdk/src/schema/types.ts from schemas/*.json so TypeScript types
// have one source of truth. `npm run gen:types` rewrites it; a test fails when it is stale.
import { writeFileSync } from 'node:fs';
import { generateSchemaTypes, typesFile } from './schema-types.ts';

const text = await generateSchemaTypes();
writeFileSync(typesFile, text);
console.log(`wrote ${typesFile}`);
