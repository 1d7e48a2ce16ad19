#!/usr/bin/env node
// The `parley` command: runs the TypeScript CLI through tsx, so no build step is needed. The
// project's tsconfig is named explicitly: entities need its legacy decorators from any folder.
import { fileURLToPath } from 'node:url'

import { register } from 'tsx/esm/api'

register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) })
await import('../agent/cli/main.ts')
