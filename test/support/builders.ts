// Compatibility re-exports while the test files that import them move to ./harness.js, which now
// holds the one set of builders (`user` is `newUser`). Remove this file once nothing imports it.
export {
  expectLedgerOk,
  newUser as user,
  stackWithClock,
  uniqueKey,
  type Stack,
} from './harness.js';
