export { procedureWorkflow } from './procedure.js';
