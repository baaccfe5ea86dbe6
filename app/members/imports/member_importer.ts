import type { QueryClientContract } from '@adonisjs/lucid/types/database'
import {
  ResolveMember,
  type IdentityInput,
  type ProfileInput,
} from '#app/members/actions/resolve_member'
import { MEMBER_FIELDS, type HeaderMap } from '#app/members/imports/columns'
import * as n from '#app/members/imports/normalise'
import {
  cell,
  iso,
  RowError,
  type ImportContext,
  type Importer,
} from '#app/members/imports/importer'
import { IDENTITY_TYPES, type IdentityType } from '#app/members/models/member_identity'
import {
  MemberAttributes,
  type AttributeDefinition,
  type StoredValue,
} from '#app/members/actions/member_attributes'
import { DomainError } from '#app/shared/errors/domain_error'

export interface ParsedMember {
  line: number
  identities: IdentityInput[]
  profile: ProfileInput
  phoneMasked: string | null
  /** Custom attribute values of the row (columns named by the attributes' labels). */
  attributes: { attributeId: number; label: string; value: StoredValue }[]
}

/**
 * A custom attribute's cell as the attribute types it: numbers and dates
 * normalised the way the import reads amounts and dates (full-width digits,
 * `1,234`, `2024/3/5`, `2024年3月5日`), text and options as written.
 */
function attributeValue(definition: AttributeDefinition, raw: string | undefined) {
  let input = (raw ?? '').trim()
  if (definition.type === 'number' || definition.type === 'boolean') input = n.halfWidth(input)
  if (definition.type === 'date' && input) input = n.date(input)!.toISODate()!
  try {
    return new MemberAttributes().parse(definition, input)
  } catch (error) {
    if (error instanceof DomainError) throw new n.CellError('invalid_attribute')
    throw error
  }
}

/** Members: the standard format, or a Taobao/Tmall member export (买家昵称 …). */
export const memberImporter: Importer<ParsedMember> = {
  kind: 'members',
  fields: MEMBER_FIELDS,

  preset(header) {
    return header.index.has('taobao_nick') && header.index.has('platform_spent')
      ? 'taobao_members'
      : 'standard'
  },

  missing(header) {
    return IDENTITY_TYPES.some((type) => header.index.has(type)) ? [] : ['phone']
  },

  key() {
    return null
  },

  parse([row], header, context) {
    const phone = cell(row, header, 'phone', n.phone)
    const identities: IdentityInput[] = []
    if (phone) identities.push({ type: 'phone', value: phone.digits })

    const platformData: Record<string, unknown> = {}
    const level = cell(row, header, 'platform_level', (v) => n.text(v, 40))
    if (level) platformData.level = level
    const spent = cell(row, header, 'platform_spent', (v) => n.amountFen(v))
    if (spent !== null) platformData.spentFen = spent
    const trades = cell(row, header, 'platform_trades', n.integer)
    if (trades !== null) platformData.trades = trades
    const lastTrade = cell(row, header, 'platform_last_trade_at', (v) =>
      n.dateTime(v, context.zone)
    )
    if (lastTrade) platformData.lastTradeAt = lastTrade.toUTC().toISO()
    const points = cell(row, header, 'platform_points', n.integer)
    if (points !== null) platformData.points = points

    for (const type of IDENTITY_TYPES) {
      if (type === 'phone') continue
      const value = cell(row, header, type, (v) => n.text(v, 128))
      if (!value) continue
      const data = type === 'taobao_nick' && Object.keys(platformData).length ? platformData : null
      identities.push({ type: type as IdentityType, value, platformData: data })
    }
    if (!identities.length) {
      const index = header.index.get('phone') ?? header.index.get('taobao_nick')
      throw new RowError(
        row.line,
        index === undefined ? 'phone' : header.headers[index],
        'no_identity'
      )
    }

    const attributes: ParsedMember['attributes'] = []
    for (const [field, definition] of context.attributes) {
      if (!header.index.has(field)) continue
      const value = cell(row, header, field, (v) => attributeValue(definition, v))
      if (value) attributes.push({ attributeId: definition.id, label: definition.label, value })
    }

    return {
      line: row.line,
      identities,
      attributes,
      phoneMasked: phone?.masked ?? null,
      profile: {
        name: cell(row, header, 'name', (v) => n.text(v, 80)),
        gender: cell(row, header, 'gender', n.gender),
        birthday: cell(row, header, 'birthday', n.date),
        province: cell(row, header, 'province', (v) => n.text(v, 40)),
        city: cell(row, header, 'city', (v) => n.text(v, 40)),
        email: cell(row, header, 'email', n.email),
        registeredAt: cell(row, header, 'registered_at', (v) => n.dateTime(v, context.zone)),
        sourceChannel: cell(row, header, 'source_channel', (v) => n.text(v, 40)),
        notes: cell(row, header, 'notes', (v) => n.text(v, 2000)),
        sourceShopId: context.defaultShopId,
      },
    }
  },

  async apply(parsed: ParsedMember, client: QueryClientContract, context: ImportContext) {
    const result = await new ResolveMember().handle(
      {
        companyId: context.companyId,
        identities: parsed.identities,
        profile: parsed.profile,
        source: 'import',
      },
      client
    )
    const filled = await new MemberAttributes().fillEmpty(
      client,
      result.memberId,
      parsed.attributes
    )
    const outcome =
      result.outcome === 'created'
        ? 'inserted'
        : result.outcome === 'updated' || filled > 0
          ? 'updated'
          : 'duplicate'
    // An unchanged member has nothing to recompute (no RFM mark, no auto-tag run).
    return { outcome, memberIds: outcome === 'duplicate' ? [] : [result.memberId] }
  },

  describe(parsed) {
    const report = parsed.identities.find((i) => i.platformData)?.platformData
    const identities = parsed.identities
      .filter((i) => i.type !== 'phone')
      .map((i) => `${i.type}=${i.value}`)
      .join(' ')
    return {
      line: parsed.line,
      name: parsed.profile.name ?? null,
      phone: parsed.phoneMasked,
      gender: parsed.profile.gender ?? null,
      birthday: parsed.profile.birthday?.toISODate() ?? null,
      province: parsed.profile.province ?? null,
      city: parsed.profile.city ?? null,
      registered_at: iso(parsed.profile.registeredAt),
      notes: parsed.profile.notes ?? null,
      identities: identities || null,
      platform: report ? JSON.stringify(report) : null,
      attributes:
        parsed.attributes
          .map(({ label, value }) => `${label}=${new MemberAttributes().display(value)}`)
          .join(' ') || null,
    }
  },
}

export type { HeaderMap }
