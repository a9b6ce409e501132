// The CLI's entry point, bundled into dist/bundle/mirrorkit.cjs: the command list oclif loads (strategy "explicit") and the function bin/run.cjs calls.
import {execute} from '@oclif/core'
import ConfigCommand from '../commands/config.js'
import Demo from '../commands/demo.js'
import Discover from '../commands/discover.js'
import Fetch from '../commands/fetch.js'
import Get from '../commands/get.js'
import Rank from '../commands/rank.js'
import Schedule from '../commands/schedule.js'
import Verify from '../commands/verify.js'
import Worker from '../commands/worker.js'

export const commands = {
  config: ConfigCommand,
  demo: Demo,
  discover: Discover,
  fetch: Fetch,
  get: Get,
  rank: Rank,
  schedule: Schedule,
  verify: Verify,
  worker: Worker,
}

/** Runs the command line; `root` is any file URL inside the package (oclif finds package.json from it). */
export async function run(root: string): Promise<void> {
  await execute({dir: root})
}
