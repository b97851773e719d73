export { stepKey } from '@datamaster/sdk';
