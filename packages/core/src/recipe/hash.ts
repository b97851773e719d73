export { canonicalJson, recipeHash, sha256Hex, ROOT_RECIPE } from '@datamaster/sdk';
