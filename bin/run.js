#!/usr/bin/env node
// Entry point of the installed CLI: runs the compiled commands in dist/.
import {setFlagsFromString} from 'node:v8'

// undici parses HTTP with a WebAssembly module that V8 would also recompile with its optimising tier
// in the background; Node waits for that job before exiting, which cost every run ~0.2 s of wall time
// and ~0.25 s of CPU. The baseline tier parses response headers fast enough.
setFlagsFromString('--liftoff-only')

const {execute} = await import('@oclif/core')
await execute({dir: import.meta.url})
