/**
 * The JWT secret of every test stack, and of the processes a test starts on one: a module of its own so
 * that the stack and the process helpers (which the stack uses) both read it without importing each other.
 */
export const TEST_SECRET = 'mohla-test-secret-0123456789abcdef';
