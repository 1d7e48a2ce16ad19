#!/usr/bin/env node
// The `parley` command: runs the TypeScript CLI through tsx, so no build step is needed.
import { register } from 'tsx/esm/api'

register()
await import('../agent/cli/main.ts')
