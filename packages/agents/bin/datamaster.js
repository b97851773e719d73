#!/usr/bin/env node
// DataMaster runs its TypeScript sources through tsx (no separate build output to keep in step).
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
