// The explicit command map oclif loads (strategy "explicit"): nothing is globbed, and tests can import it.
import Discover from './commands/discover.js'
import Fetch from './commands/fetch.js'
import Rank from './commands/rank.js'
import Verify from './commands/verify.js'

export const commands = {
  discover: Discover,
  fetch: Fetch,
  rank: Rank,
  verify: Verify,
}
