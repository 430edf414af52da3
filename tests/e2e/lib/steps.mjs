// Steps of a journey: ordered tests where a failed step skips the rest, so one broken step
// reports one failure instead of a cascade of timeouts.

import { it } from 'node:test';

export function journey() {
  let failed = null;
  return function step(name, body) {
    it(name, async (t) => {
      if (failed) {
        t.skip(`an earlier step failed: ${failed}`);
        return;
      }
      try {
        await body(t);
      } catch (error) {
        failed = name;
        throw error;
      }
    });
  };
}
