import { currentCompany } from '#app/organization/current_company'
import type { HttpContext } from '@adonisjs/core/http'
import Member from '#app/members/models/member'
import MemberMerge from '#app/members/models/member_merge'
import { MergeMembers, UndoMerge } from '#app/members/actions/merge_members'
import { MergeSuggestions } from '#app/members/actions/merge_suggestions'
import { mergeValidator } from '#app/members/validators/member'
import { roleAllows } from '#app/identity/roles'

/** Duplicate members: suggestions, merging and undoing (admins). */
export default class MergesController {
  async index({ view, auth }: HttpContext) {
    const company = await currentCompany()
    const suggestions = await new MergeSuggestions().list(company.id)
    const ids = suggestions.flatMap((s) => s.memberIds)
    const members = ids.length ? await Member.query().whereIn('id', ids) : []
    const merges = await MemberMerge.query()
      .where('companyId', company.id)
      .orderBy('id', 'desc')
      .limit(50)
    return view.render('pages/members/merges', {
      suggestions,
      membersById: new Map(members.map((m) => [m.id, m])),
      merges,
      unmask: roleAllows(auth.user!.role, 'members.phone.unmask'),
    })
  }

  async store({ request, auth, response, session, i18n }: HttpContext) {
    const company = await currentCompany()
    const { sourceId, targetId } = await request.validateUsing(mergeValidator)
    await new MergeMembers().handle(company.id, sourceId, targetId, auth.user!)
    session.flash('success', i18n.t('members.merge.done', { source: sourceId, target: targetId }))
    return response.redirect().toRoute('members.show', { id: targetId })
  }

  async undo({ params, auth, response, session, i18n }: HttpContext) {
    const company = await currentCompany()
    const merge = await new UndoMerge().handle(company.id, Number(params.id), auth.user!)
    session.flash('success', i18n.t('members.merge.undone'))
    return response.redirect().toRoute('members.show', { id: merge.sourceMemberId })
  }
}
