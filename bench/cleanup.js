// Runs the benchmark's synchronous clean-up steps once, on normal exit, on an uncaught error and on SIGINT/SIGTERM/SIGHUP.
const steps = []
let hooked = false

/** Registers a synchronous step (kill children, delete the namespace) to run when the process leaves. */
export function addCleanup(step) {
  steps.push(step)
  if (hooked) return
  hooked = true
  process.once('exit', runAll)
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.once(signal, () => {
      process.stderr.write(`\nbench: ${signal}, cleaning up\n`)
      runAll()
      process.exit(130)
    })
  }
}

function runAll() {
  // Newest first, like a stack of `finally` blocks; each step is isolated so one failure never skips the rest.
  while (steps.length > 0) {
    const step = steps.pop()
    try {
      step()
    } catch (error) {
      process.stderr.write(`bench: clean-up step failed: ${error.message}\n`)
    }
  }
}
