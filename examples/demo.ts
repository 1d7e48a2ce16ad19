/**
 * `npm run demo`: Parley's main job end to end, on loopback, with each agent a separate
 * `parley start` process driven through the `parley` command and the admin API.
 *
 * A KYC issuer issues Alice a credential; a verifier asks Alice to prove she is 18 or more with
 * KYC level 2 or more, grants her access, and serves her the protected resource over mutual TLS.
 * Then two refusals: a client without a certificate, and Mallory, whose KYC credential comes
 * from an issuer the verifier does not trust.
 *
 * Exits 0 only when every step did what it should. Everything the agents wrote (configurations,
 * certificates, SQLite databases, audit and agent logs) stays in `demo-output/`, emptied at the
 * start of each run. `DEMO_OUTPUT` names another folder.
 */
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

import {
  checkHolderNeverListened,
  connectThroughInvitation,
  ping,
  refuseClientWithoutCertificate,
} from './demo/connections.js'
import {
  confirmGrant,
  fetchProtectedResource,
  issueKycCredential,
  presentAndDecide,
  refuseUntrustedIssuer,
} from './demo/credentials.js'
import {
  describeExit,
  initAgents,
  issueCertificates,
  startAgents,
  stopCleanly,
  type DemoNetwork,
} from './demo/network.js'
import { stopAgents } from './demo/processes.js'
import { Report } from './demo/report.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const OUTPUT = resolve(ROOT, process.env['DEMO_OUTPUT'] ?? 'demo-output')

const report = new Report()
let network: DemoNetwork | undefined

process.once('SIGINT', () => {
  process.stdout.write('\ninterrupted: stopping the agents\n')
  void stopAgents(2_000).then(() => process.exit(130))
})

process.stdout.write(
  `Parley demo: issuer, holder and verifier on loopback (output in ${OUTPUT})\n\n`,
)

// A step runs only when every step before it passed: what earlier steps set (`initialized`,
// `network`) is there whenever a later step reads it.
try {
  let initialized: Awaited<ReturnType<typeof initAgents>> | undefined

  await report.step(
    'parley init: a data folder, database and DID for each of the five agents',
    async () => {
      initialized = await initAgents(OUTPUT)
      return Object.entries(initialized.dids)
        .map(([name, did]) => `${name} ${abbreviate(did)}`)
        .join(', ')
    },
  )

  await report.step('parley certs: a throwaway CA and a certificate naming each DID', async () => {
    await issueCertificates(initialized!)
    return 'certs/ca.crt, and issuer, alice, verifier, mallory, rogue .crt/.key'
  })

  await report.step('parley start: five agents, each its own process', async () => {
    network = await startAgents(initialized!)
    return (
      'issuer wss+https :18443, verifier :18444, rogue ' +
      'issuer :18445; alice and mallory listen nowhere'
    )
  })

  await report.step('Alice connects to the issuer: invitation, then WSS with her certificate', () =>
    connectThroughInvitation(network!, 'alice', 'issuer'),
  )

  await report.step('The issuer pings Alice back on her own connection', () =>
    ping(network!, 'issuer', 'alice'),
  )

  await report.step('Issuance: the issuer offers Alice a KYC credential, she accepts', () =>
    issueKycCredential(network!, 'issuer', 'alice'),
  )

  await report.step('Alice connects to the verifier', () =>
    connectThroughInvitation(network!, 'alice', 'verifier'),
  )

  await report.step('Presentation: the verifier asks for age >= 18 and KYC level >= 2', () =>
    presentAndDecide(network!),
  )

  await report.step('Access decision: the verifier holds a grant for Alice', () =>
    confirmGrant(network!),
  )

  await report.step('Alice fetches the protected resource over mutual TLS', () =>
    fetchProtectedResource(network!),
  )

  await report.step('Alice never listened: out over WSS, answers by return route', () =>
    checkHolderNeverListened(network!, 'alice', ['issuer', 'verifier']),
  )

  await report.step('Refusal: a client without a certificate, at the TLS handshake', () =>
    refuseClientWithoutCertificate(network!),
  )

  await report.step('Mallory connects to a rogue KYC issuer and to the verifier', async () => {
    const connected = await Promise.all([
      connectThroughInvitation(network!, 'mallory', 'rogue'),
      connectThroughInvitation(network!, 'mallory', 'verifier'),
    ])
    return `rogue issuer and verifier list Mallory (${connected.length} connections)`
  })

  await report.step('The rogue issuer issues Mallory a KYC credential (she trusts it)', () =>
    issueKycCredential(network!, 'rogue', 'mallory'),
  )

  await report.step('Refusal: Mallory presents it; its issuer is not trusted by the verifier', () =>
    refuseUntrustedIssuer(network!),
  )

  await report.step('Stop the agents: each exits 0 on SIGTERM', stopCleanly)
} finally {
  // After a failed step: stop whatever still runs, and say which agents had died on their own.
  const exits = await stopAgents()
  for (const exit of exits.filter((candidate) => candidate.unasked)) {
    process.stdout.write(`note: ${describeExit(exit)} ended on its own; see its agent.log\n`)
  }
}

report.printSummary(OUTPUT)
process.exitCode = report.ok ? 0 : 1

function abbreviate(did: string): string {
  return did.length > 24 ? `${did.slice(0, 18)}...${did.slice(-4)}` : did
}
