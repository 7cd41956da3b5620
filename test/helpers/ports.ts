// The tests draw their ports as the bench and the scratch cluster do.
export { freePort } from '../../infra/ports.js';
