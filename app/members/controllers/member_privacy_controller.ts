import { currentCompany } from '#app/organization/current_company'
import type { HttpContext } from '@adonisjs/core/http'
import db from '@adonisjs/lucid/services/db'
import Member from '#app/members/models/member'
import { Phone } from '#app/shared/kernel/phone'
import { DomainError } from '#app/shared/errors/domain_error'
import { ManageConsent } from '#app/members/actions/manage_consent'
import { DoNotContactList } from '#app/members/actions/do_not_contact'
import { MemberPersonalData } from '#app/members/actions/member_personal_data'
import {
  consentValidator,
  doNotContactValidator,
  eraseValidator,
} from '#app/members/validators/privacy'

/** 授权与个人信息: consent per channel, do-not-contact, data-subject export and erasure. */
export default class MemberPrivacyController {
  async updateConsent({ params, request, response, auth, session, i18n }: HttpContext) {
    const member = await this.#member(params.id)
    const { channel, granted } = await request.validateUsing(consentValidator)
    await new ManageConsent().record(member, {
      channel,
      granted,
      source: 'staff',
      actor: auth.user!,
    })
    session.flash('success', i18n.t('members.privacy.consent_saved'))
    return response.redirect().toRoute('members.show', { id: member.id })
  }

  /** 一键退订 */
  async withdrawAll({ params, response, auth, session, i18n }: HttpContext) {
    const member = await this.#member(params.id)
    await new ManageConsent().withdrawAll(member, 'staff', auth.user!)
    if (member.phone) {
      await new DoNotContactList().add(member.companyId, member.phone, {
        channel: 'all',
        source: 'staff',
        reason: i18n.t('members.privacy.withdraw_reason'),
        actor: auth.user!,
      })
    }
    session.flash('success', i18n.t('members.privacy.withdrawn'))
    return response.redirect().toRoute('members.show', { id: member.id })
  }

  async exportData({ params, response, auth }: HttpContext) {
    const member = await this.#member(params.id)
    const { filename, zip } = await new MemberPersonalData().export(
      member.companyId,
      member.id,
      auth.user!
    )
    response.header('Content-Type', 'application/zip')
    response.attachment(filename)
    return response.send(Buffer.from(zip))
  }

  async erase({ params, request, response, auth, session, i18n }: HttpContext) {
    const member = await this.#member(params.id)
    const { confirmId } = await request.validateUsing(eraseValidator)
    if (confirmId !== member.id)
      throw new DomainError('E_ERASE_NOT_CONFIRMED', 'members.privacy.erase_not_confirmed')
    await new MemberPersonalData().erase(member.companyId, member.id, auth.user!)
    session.flash('success', i18n.t('members.privacy.erased'))
    return response.redirect().toRoute('members.show', { id: member.id })
  }

  async doNotContactIndex({ view, request }: HttpContext) {
    const company = await currentCompany()
    const before = Number(request.input('before')) || null
    const rows = await db
      .from('do_not_contact')
      .leftJoin('users', 'users.id', 'do_not_contact.created_by_id')
      .where('do_not_contact.company_id', company.id)
      .if(before, (q) => q.where('do_not_contact.id', '<', before!))
      .orderBy('do_not_contact.id', 'desc')
      .limit(51)
      .select('do_not_contact.*', 'users.full_name as created_by')
    // The list holds hashes only; show which member (if any) a hash belongs to.
    const page = rows.slice(0, 50)
    const members = await Member.query()
      .where('company_id', company.id)
      .whereIn(
        'phone_hash',
        page.map((row: any) => row.phone_hash)
      )
    const memberByHash = new Map(members.map((m) => [m.phoneHash, m]))
    return view.render('pages/members/do_not_contact', {
      entries: page.map((row: any) => ({
        ...row,
        member: memberByHash.get(row.phone_hash) ?? null,
      })),
      nextBefore: rows.length > 50 ? page[page.length - 1].id : null,
    })
  }

  async doNotContactStore({ request, response, auth, session, i18n }: HttpContext) {
    const company = await currentCompany()
    const { phone, channel, reason } = await request.validateUsing(doNotContactValidator)
    const added = await new DoNotContactList().add(company.id, Phone.parse(phone), {
      channel,
      source: 'staff',
      reason,
      actor: auth.user!,
    })
    session.flash(
      'success',
      i18n.t(added ? 'members.privacy.dnc_added' : 'members.privacy.dnc_exists')
    )
    return response.redirect().toRoute('members.dnc.index')
  }

  async doNotContactDestroy({ params, response, auth, session, i18n }: HttpContext) {
    const company = await currentCompany()
    await new DoNotContactList().remove(company.id, Number(params.id), auth.user!)
    session.flash('success', i18n.t('members.privacy.dnc_removed'))
    return response.redirect().toRoute('members.dnc.index')
  }

  async #member(id: number) {
    const company = await currentCompany()
    return Member.query().where({ id, companyId: company.id }).firstOrFail()
  }
}
