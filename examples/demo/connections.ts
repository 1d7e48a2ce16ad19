/**
 * The demo's connection steps: invitations accepted over mutual TLS, trust pings both ways, the
 * stranger without a certificate, and the proof that the holders never listened.
 */
import { parleyJson, parleyText } from './processes.js'
import { expectThat } from './report.js'
import { httpsGet } from './tls.js'
import { waitFor } from './admin.js'
import type { AgentName, DemoNetwork } from './network.js'

interface Connection {
  theirDid: string
}

interface Thread {
  thid: string
  state: string
  peerDid: string
}

interface OutboxRow {
  toDid: string
  status: string
  deliveredVia: string | null
}

interface AuditEntry {
  kind: string
  data: Record<string, unknown>
}

/**
 * `parley invite` on `inviter`, `parley connect <url>` on `invitee`: the invitee answers with a
 * trust ping, which must come back answered, and the inviter must then list the connection.
 */
export async function connectThroughInvitation(
  network: DemoNetwork,
  invitee: AgentName,
  inviter: AgentName,
): Promise<string> {
  const url = await parleyText(network.agents[inviter].config, [
    'invite',
    '--goal',
    `connect ${invitee}`,
  ])
  expectThat(url.includes('_oob='), `parley invite printed no invitation URL: ${url}`)

  const accepted = await parleyJson<{ thread: Thread }>(network.agents[invitee].config, [
    'connect',
    url,
    '--timeout',
    '30',
  ])
  expectThat(
    accepted.thread.state === 'done',
    `the connection's trust ping ended in state ${accepted.thread.state}, not done`,
  )
  expectThat(
    accepted.thread.peerDid === network.dids[inviter],
    `${invitee} connected to ${accepted.thread.peerDid}, not ${inviter}`,
  )

  await waitFor(`${inviter} to list ${invitee} among its connections`, async () => {
    const connections = await network.admin[inviter].get<Connection[]>('/connections')
    return connections.some((c) => c.theirDid === network.dids[invitee]) || undefined
  })
  return `invitation ${short(url)} accepted; trust ping answered; ${inviter} lists ${invitee}`
}

/** `parley ping <did>` from one agent to another; the response must arrive. */
export async function ping(network: DemoNetwork, from: AgentName, to: AgentName): Promise<string> {
  const thread = await parleyJson<Thread>(network.agents[from].config, [
    'ping',
    network.dids[to],
    '--timeout',
    '30',
  ])
  expectThat(thread.state === 'done', `the ping ended in state ${thread.state}, not done`)
  return `ping thread ${thread.thid} done`
}

/**
 * A client with no certificate asks the verifier for the protected resource: the TLS handshake
 * must fail before any HTTP answer, and the verifier must audit it as `tls.handshake_refused`.
 */
export async function refuseClientWithoutCertificate(network: DemoNetwork): Promise<string> {
  const url = `https://localhost:${network.agents.verifier.port}/resources/members-area`
  const outcome = await httpsGet(url, { ca: network.certFile('ca.crt') })
  expectThat(
    outcome.kind === 'error',
    `the verifier answered a client without a certificate with HTTP ${
      outcome.kind === 'response' ? outcome.status : ''
    }`,
  )

  const entries = await parleyJson<AuditEntry[]>(network.agents.verifier.config, [
    'audit',
    'list',
    '--kind',
    'tls.handshake_refused',
  ])
  const reasons = entries.map((entry) => String(entry.data['reason']))
  expectThat(
    reasons.includes('ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE'),
    `the verifier's audit log has no handshake refusal for a missing certificate (reasons: ${
      reasons.join(', ') || 'none'
    })`,
  )
  return (
    `client saw ${outcome.code}; verifier audited ` +
    `tls.handshake_refused (ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE)`
  )
}

/**
 * A holder never listens: everything it sent went out over a WebSocket it opened, and
 * everything the hosted agents sent it came back on such a connection (`return-route:`).
 */
export async function checkHolderNeverListened(
  network: DemoNetwork,
  holder: AgentName,
  peers: AgentName[],
): Promise<string> {
  const sent = await parleyJson<OutboxRow[]>(network.agents[holder].config, ['outbox', 'list'])
  expectThat(sent.length > 0, `${holder} sent nothing`)
  const notWss = sent.filter((row) => !row.deliveredVia?.startsWith('wss://'))
  expectThat(
    notWss.length === 0,
    `${holder} delivered ${notWss.length} message(s) other than over WSS: ${describeRows(notWss)}`,
  )

  const received = (
    await Promise.all(
      peers.map((peer) => parleyJson<OutboxRow[]>(network.agents[peer].config, ['outbox', 'list'])),
    )
  )
    .flat()
    .filter((row) => row.toDid === network.dids[holder])
  expectThat(received.length > 0, `nobody sent ${holder} anything`)
  const notReturned = received.filter((row) => !row.deliveredVia?.startsWith('return-route:'))
  expectThat(
    notReturned.length === 0,
    `${notReturned.length} message(s) reached ${holder} other ` +
      `than on its own connection: ${describeRows(notReturned)}`,
  )

  return `${sent.length} message(s) out over wss://, ${received.length} back by return route`
}

function describeRows(rows: OutboxRow[]): string {
  return rows.map((row) => `${row.status} via ${row.deliveredVia ?? 'nothing'}`).join(', ')
}

function short(url: string): string {
  return url.length > 60 ? `${url.slice(0, 57)}...` : url
}
