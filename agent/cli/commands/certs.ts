/**
 * `parley certs init` and `parley certs issue`: the development PKI. For development only; with a
 * real CA, issue certificates of the same profile and point `transport.tls` at them
 * (see docs/transport.md).
 */

import type { Command } from 'commander'

import { initializeAgent } from '../../init.js'
import { writeCa, writeCertificate } from '../../pki/files.js'
import { loadFromCommand, printJson } from '../context.js'

interface CertOptions {
  dir: string
  name: string
  host: string[]
  did?: string
  force?: boolean
}

/** Registers `parley certs`. */
export function register(program: Command): void {
  const certs = program.command('certs').description('development certificates for mutual TLS')

  certs
    .command('init')
    .description('create a development CA and a server+client certificate for this agent')
    .option('--dir <path>', 'folder for the files, relative to agent.yml', 'certs')
    .option('--name <name>', 'file name (and common name) of the agent certificate', 'agent')
    .option('--host <host...>', 'DNS names and IP addresses of the host', [
      'localhost',
      '127.0.0.1',
    ])
    .option(
      '--did <did>',
      "the DID written as a URI SAN (binds connections to it); default: this agent's own",
    )
    .option('--force', 'overwrite existing files')
    .action(async (options: CertOptions, command: Command) => {
      const loaded = loadFromCommand(command)
      const dir = loaded.fromConfig(options.dir)
      // The agent's own DID, created by init if it does not exist yet (init is idempotent).
      const did = options.did ?? (await initializeAgent(loaded)).did
      const ca = await writeCa(dir, options.force ? { force: true } : {})
      const agent = await writeCertificate(
        dir,
        dir,
        options.name,
        issueOptions({ ...options, did }),
      )
      printJson({ ca, agent })
    })

  certs
    .command('issue')
    .description('issue another certificate from the development CA (for a peer or a client)')
    .argument('<name>', 'file name and common name')
    .option('--dir <path>', 'folder of the CA, relative to agent.yml', 'certs')
    .option('--out <path>', 'folder for the new files; defaults to the CA folder')
    .option('--host <host...>', 'DNS names and IP addresses', ['localhost', '127.0.0.1'])
    .option('--did <did>', 'the DID written as a URI SAN')
    .option('--force', 'overwrite existing files')
    .action(async (name: string, options: CertOptions & { out?: string }, command: Command) => {
      const loaded = loadFromCommand(command)
      const dir = loaded.fromConfig(options.dir)
      const out = options.out === undefined ? dir : loaded.fromConfig(options.out)
      printJson(await writeCertificate(dir, out, name, issueOptions({ ...options, name })))
    })
}

function issueOptions(options: CertOptions) {
  return {
    commonName: options.name,
    hosts: options.host,
    ...(options.did === undefined ? {} : { did: options.did }),
    ...(options.force ? { force: true } : {}),
  }
}
