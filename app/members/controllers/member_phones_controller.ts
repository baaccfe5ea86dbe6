import type { HttpContext } from '@adonisjs/core/http'
import { currentCompany } from '#app/organization/current_company'
import { AuditLog } from '#app/shared/audit/audit_log'
import Member from '#app/members/models/member'

/**
 * Phone numbers are masked on every page, also for staff who may see them;
 * those staff reveal one member's number on purpose, and each reveal is in
 * the audit log (who looked at whose number, when, from where).
 */
export default class MemberPhonesController {
  async reveal({ params, request, response, auth, session, view }: HttpContext) {
    const company = await currentCompany()
    const member = await Member.query()
      .where('company_id', company.id)
      .where('id', params.id)
      .whereNull('erased_at')
      .firstOrFail()
    await AuditLog.record({
      entityType: 'member',
      entityId: member.id,
      action: 'phone_reveal',
      actor: auth.user!,
    })
    response.header('Vary', 'HX-Request')
    if (request.header('HX-Request')) {
      return view.render('components/members/phone_value', {
        member,
        revealed: true,
        canReveal: true,
      })
    }
    session.flash('revealedPhone', member.id)
    return response.redirect().toRoute('members.show', { id: member.id })
  }
}
