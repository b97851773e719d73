export { startLoopback, type Loopback, type LoopbackReply, type LoopbackRequest, type LoopbackRoute, type LoopbackHandler } from './loopback.ts';
