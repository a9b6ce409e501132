// The flags of queued runs (verify/rank --queue) and the progress lines they print while workers run the checks.

import {Flags} from '@oclif/core'

export const queueFlag = Flags.string({
  description: 'Run the checks on mirrorkit workers through this Redis (redis://HOST:PORT/DB); the output is the same MirrorSet.',
  env: 'MIRRORKIT_QUEUE',
})

/**
 * "checked 40/120" on stderr: rewritten in place on a terminal, and in a pipe or log only every tenth of the run
 * (and at its end), so a 2,000-mirror run logs a dozen lines, not 2,000.
 */
export function progressPrinter(stage: string): (progress: {done: number; total: number}) => void {
  let lastStep = -1
  return ({done, total}) => {
    if (process.stderr.isTTY) {
      process.stderr.write(`\r${stage}: ${done}/${total} checked${done === total ? '\n' : ''}`)
      return
    }
    const step = Math.floor((done * 10) / Math.max(1, total))
    if (step === lastStep) return
    lastStep = step
    process.stderr.write(`${stage}: ${done}/${total} checked\n`)
  }
}
