/**
 * The demo's folder: one sub-folder per agent holding its agent.yml (a copy of the example's,
 * with the demo's label, ports and certificate names), the files that configuration names, and
 * the agent's data folder (SQLite database, keys, admin token, audit log, agent.log); and a
 * shared `certs/` folder with the throwaway CA.
 */
import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

import { isScalar, parseDocument, visit } from 'yaml'

import { StepFailedError } from './report.js'

/** The example folders a demo agent can be made from. */
export type Example = 'issuer' | 'holder' | 'verifier'

/** One agent of the demo. */
export interface DemoAgent {
  /** Folder name, certificate name and the name printed in the output. */
  name: string
  example: Example
  label: string
  adminPort: number
  /** The mutual-TLS DIDComm port; absent for a holder, which does not listen. */
  port?: number
  /** Absolute path of its agent.yml. */
  config: string
  /** Absolute path of its folder. */
  dir: string
}

const EXAMPLES = fileURLToPath(new URL('..', import.meta.url))

/** Written as the examples are: `[a, b]`, not `[ a, b ]`. */
const YAML_OPTIONS = { flowCollectionPadding: false, lineWidth: 0 }

/** The placeholders the example configurations use for other agents' DIDs. */
export const PLACEHOLDER = {
  issuer: 'did:example:issuer',
  verifier: 'did:example:verifier',
} as const

/** Empties (or creates) the demo folder and its shared `certs/` folder. */
export function prepareOutput(root: string): void {
  rmSync(root, { recursive: true, force: true })
  mkdirSync(join(root, 'certs'), { recursive: true })
}

/**
 * Fails unless every port is free on 127.0.0.1: the agents' DIDs name their endpoints, so the
 * demo cannot move to other ports after the fact.
 *
 * @throws StepFailedError naming the first port in use.
 */
export async function assertPortsFree(ports: number[]): Promise<void> {
  for (const port of ports) {
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer()
      server.once('error', () => resolve(false))
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)))
    })
    if (!free) {
      throw new StepFailedError(
        `port ${port} on 127.0.0.1 is in use (is another demo or example agent still running?)`,
      )
    }
  }
}

/**
 * Writes an agent's folder from its example: the example's agent.yml with the agent's label,
 * ports, endpoints and certificate files, and the example's JSON files beside it.
 */
export function writeAgentFolder(
  root: string,
  agent: Omit<DemoAgent, 'config' | 'dir'>,
): DemoAgent {
  const dir = join(root, agent.name)
  const source = join(EXAMPLES, agent.example)
  mkdirSync(dir, { recursive: true })
  for (const file of readdirSync(source).filter((name) => name.endsWith('.json'))) {
    copyFileSync(join(source, file), join(dir, file))
  }

  const doc = parseDocument(readFileSync(join(source, 'agent.yml'), 'utf8'))
  doc.setIn(['agent', 'label'], agent.label)
  doc.setIn(['admin', 'port'], agent.adminPort)
  doc.setIn(['transport', 'tls', 'cert'], `../certs/${agent.name}.crt`)
  doc.setIn(['transport', 'tls', 'key'], `../certs/${agent.name}.key`)
  if (agent.port !== undefined) {
    doc.setIn(['transport', 'port'], agent.port)
    doc.setIn(
      ['transport', 'endpoints'],
      doc.createNode([
        `https://localhost:${agent.port}/didcomm`,
        `wss://localhost:${agent.port}/ws`,
      ]),
    )
  }

  const config = join(dir, 'agent.yml')
  writeFileSync(config, doc.toString(YAML_OPTIONS))
  return { ...agent, config, dir }
}

/**
 * Replaces placeholder DIDs (`did:example:...`) in an agent.yml with real ones, keeping the
 * file's comments.
 */
export function bindDids(config: string, replacements: Record<string, string>): void {
  const doc = parseDocument(readFileSync(config, 'utf8'))
  visit(doc, {
    Seq(_key, node) {
      // A list of long DIDs reads better one per line than as `[...]`.
      if (node.items.some((item) => isScalar(item) && String(item.value) in replacements)) {
        node.flow = false
      }
    },
    Scalar(_key, node) {
      if (typeof node.value !== 'string') return
      const replacement = replacements[node.value]
      if (replacement !== undefined) node.value = replacement
    },
  })
  writeFileSync(config, doc.toString(YAML_OPTIONS))
}

/** The admin token `parley init` wrote for an agent. */
export function adminToken(agent: DemoAgent): string {
  return readFileSync(join(agent.dir, 'data', 'admin.token'), 'utf8').trim()
}
