#!/usr/bin/env node
// Development entry point: the same CLI, but marked as a development run for oclif.
import {execute} from '@oclif/core'

await execute({development: true, dir: import.meta.url})
