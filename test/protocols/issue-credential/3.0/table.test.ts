import { readFileSync } from 'node:fs'
import { join } from 'node:path'

import { describe, expect, it } from 'vitest'

import type { PlaintextMessage } from '../../../../agent/didcomm/types.js'
import { silentLogger } from '../../../../agent/logger.js'
import { transition } from '../../../../protocols/engine/transition.js'
import {
  START,
  type ProtocolEvent,
  type ProtocolRecord,
} from '../../../../protocols/engine/types.js'
import { createIssueCredentialHandler } from '../../../../protocols/issue-credential/3.0/handler.js'
import {
  issueCredentialDefinition as definition,
  IssueCredentialState as S,
  type IssueCredentialData,
} from '../../../../protocols/issue-credential/3.0/protocol.js'

const CLOCK = { now: '2026-06-01T12:00:00.000Z', timeoutAt: '2026-06-02T12:00:00.000Z' }
const VECTORS = join(import.meta.dirname, '..', '..', '..', '..', '..', 'shared', 'vectors')

function record(state: string): ProtocolRecord<S | typeof START, IssueCredentialData> {
  return {
    id: 'record-1',
    thid: 'thread-1',
    protocol: definition.piuri,
    role: state === START ? '' : 'holder',
    state: state as S,
    ourDid: 'did:example:ours',
    peerDid: 'did:example:peer',
    data: {},
    createdAt: CLOCK.now,
    updatedAt: CLOCK.now,
    version: 3,
  }
}

function message(name: string, attachments?: PlaintextMessage['attachments']): PlaintextMessage {
  return {
    id: `${name}-1`,
    type: `${definition.piuri}/${name}`,
    thid: 'thread-1',
    body: {},
    ...(attachments === undefined ? {} : { attachments }),
  }
}

const SUMMARY = {
  issuer: 'did:example:peer',
  subject: 'did:example:ours',
  type: ['VerifiableCredential', 'K'],
}

function event(type: string): ProtocolEvent {
  if (type === 'send-issue-credential')
    return { type, params: { jwt: 'a.b.c', credential: SUMMARY } }
  if (type === 'receive-issue-credential') {
    return {
      type,
      message: message('issue-credential'),
      params: { jwt: 'a.b.c', credential: SUMMARY },
    }
  }
  if (type.startsWith('receive-')) return { type, message: message(type.slice(8)) }
  if (type.startsWith('send-')) return { type, params: { detail: { type: 'K', claims: { a: 1 } } } }
  return { type, params: {} }
}

const LEGAL: [string, string, S][] = Object.entries(definition.table).flatMap(([state, rules]) =>
  Object.entries(rules ?? {}).map(([type, rule]): [string, string, S] => [
    state,
    type,
    rule.target,
  ]),
)
const EVENTS = [...new Set(LEGAL.map(([, type]) => type))].sort()
const STATES = [START, ...definition.states]
const ILLEGAL = STATES.flatMap((state) =>
  EVENTS.filter((type) => definition.table[state as S]?.[type] === undefined).map(
    (type): [string, string] => [state, type],
  ),
)

describe('the issue-credential 3.0 transition table', () => {
  it('has every rule written out in docs/protocols/issue-credential.md', () => {
    const path = join(
      import.meta.dirname,
      '..',
      '..',
      '..',
      '..',
      'docs',
      'protocols',
      'issue-credential.md',
    )
    const rows = readFileSync(path, 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('|'))
      .map((line) =>
        line
          .split('|')
          .slice(1, 4)
          .map((cell) => cell.trim())
          .join(' '),
      )

    for (const [state, type, target] of LEGAL) {
      expect(rows).toContain(
        `${state === START ? 'start' : `\`${state}\``} \`${type}\` \`${target}\``,
      )
    }
  })

  it.each(LEGAL)('moves %s on %s to %s', (state, type, target) => {
    const result = transition(definition, record(state), event(type), CLOCK)

    expect(result.record.state).toBe(target)
    expect(result.record.version).toBe(4)
  })

  it.each(ILLEGAL)(
    'refuses, in state %s, the event %s, leaving the record unchanged',
    (state, type) => {
      const before = record(state)
      const copy = JSON.parse(JSON.stringify(before))

      expect(() => transition(definition, before, event(type), CLOCK)).toThrow(
        expect.objectContaining({
          code: 'ERR_ENGINE_TRANSITION_ILLEGAL',
          problemCode: 'e.m.msg.unexpected',
        }),
      )
      expect(before).toEqual(copy)
    },
  )

  it('keeps what a received offer proposes in the thread data, which survives a JSON round trip', () => {
    const offer = message('offer-credential', [
      {
        id: 'd',
        format: 'parley/vc-jwt-detail@v1.0',
        data: { json: { type: 'K', claims: { a: 1 } } },
      },
    ])

    const result = transition(
      definition,
      record(START),
      { type: 'receive-offer-credential', message: offer },
      CLOCK,
    )

    expect(result.record.data).toEqual({ detail: { type: 'K', claims: { a: 1 } } })
    expect(JSON.parse(JSON.stringify(result.record))).toEqual(result.record)
  })
})

describe('the WACI-DIDComm issuance thread', () => {
  function waci(file: string): PlaintextMessage {
    return JSON.parse(
      readFileSync(join(VECTORS, 'waci-didcomm', 'test-vectors', 'issuance', file), 'utf8'),
    )
  }

  it('accepts the propose-credential, which starts the issuer thread under the invitation', () => {
    const propose = waci('2.issue-credential_propose.json')

    const result = transition(
      definition,
      record(START),
      { type: 'receive-propose-credential', message: propose },
      CLOCK,
    )

    expect(result.record.state).toBe('proposal-received')
    expect(result.record.role).toBe('issuer')
  })

  it.each([
    [
      '3.issue-credential_offer.json',
      S.ProposalSent,
      'receive-offer-credential',
      'dif/credential-manifest/manifest@v1.0, dif/credential-manifest/fulfillment@v1.0',
    ],
    [
      '4.issue-credential_request.json',
      S.OfferSent,
      'receive-request-credential',
      'dif/credential-manifest/application@v1.0',
    ],
  ])(
    'refuses %s with an unsupported-format problem naming the credential-manifest formats',
    (file, state, type, formats) => {
      const refused = () =>
        transition(definition, record(state), { type, message: waci(file) }, CLOCK)

      expect(refused).toThrow(
        expect.objectContaining({
          code: 'ERR_CREDENTIAL_FORMAT_UNSUPPORTED',
          problemCode: 'e.p.msg.unsupported-format',
          message: `no supported attachment format: ${formats}; Parley reads parley/vc-jwt-detail@v1.0 and jwt_vc`,
        }),
      )
    },
  )

  it('refuses the issue-credential, whose credential fulfillment is not a JWT credential', async () => {
    const handler = createIssueCredentialHandler({
      veramo: {} as never,
      store: {} as never,
      issuer: { offerRules: [], credentialTtlSeconds: 60 },
      holder: { trustedIssuers: [], autoAcceptOffersFrom: [], autoPresentTo: [] },
    })
    const ctx = {
      ourDid: 'did:example:wallet',
      peerDid: 'did:example:issuer',
      record: record(S.RequestSent) as ProtocolRecord<S, IssueCredentialData>,
      services: {},
      logger: silentLogger(),
      now: Date.parse(CLOCK.now),
    }

    const receiving = handler.receive?.(ctx, waci('5.issue-credential_issue.json'))

    await expect(receiving).rejects.toMatchObject({
      code: 'ERR_CREDENTIAL_FORMAT_UNSUPPORTED',
      problemCode: 'e.p.msg.unsupported-format',
    })
  })

  it('accepts the ack, which ends the issuer thread', () => {
    const result = transition(
      definition,
      record(S.CredentialIssued),
      { type: 'receive-ack', message: waci('6.issue-credential_ack.json') },
      CLOCK,
    )

    expect(result.record.state).toBe('done')
    expect(result.record.timeoutAt).toBe(undefined)
  })
})
