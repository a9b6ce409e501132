// The explicit command map oclif loads (strategy "explicit"): nothing is globbed, and tests can import it.
import ConfigCommand from './commands/config.js'
import Demo from './commands/demo.js'
import Discover from './commands/discover.js'
import Fetch from './commands/fetch.js'
import Get from './commands/get.js'
import Rank from './commands/rank.js'
import Verify from './commands/verify.js'

export const commands = {
  config: ConfigCommand,
  demo: Demo,
  discover: Discover,
  fetch: Fetch,
  get: Get,
  rank: Rank,
  verify: Verify,
}
