import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import type User from '#app/identity/models/user'
import Project, { type ProjectStatus } from '#app/collaboration/models/project'
import { ActivityFeed } from '#app/collaboration/actions/activity_feed'
import { ProjectAccess } from '#app/collaboration/actions/project_access'
import { AuditLog } from '#app/shared/audit/audit_log'
import { DomainError } from '#app/shared/errors/domain_error'

export interface ProjectInput {
  name: string
  description?: string | null
  shopId?: number | null
  startsOn?: string | null
  endsOn?: string | null
  status?: ProjectStatus
  isPrivate?: boolean
  memberIds?: number[]
}

function toDate(value: string | null | undefined) {
  if (!value) return null
  const date = DateTime.fromISO(value, { zone: 'utc' })
  if (!date.isValid) throw new DomainError('E_BAD_DATE', 'collaboration.errors.bad_date', 422)
  return date
}

/** 项目: create a campaign plan, change it, choose its members. */
export class ManageProjects {
  /** `client`: a transaction the project, its members, activity and audit row are written in. */
  async create(
    companyId: number,
    input: ProjectInput,
    actor: User,
    client?: TransactionClientContract
  ) {
    ProjectAccess.assertCreate(actor)
    const startsOn = toDate(input.startsOn)
    const endsOn = toDate(input.endsOn)
    this.assertDates(startsOn, endsOn)
    await this.assertShop(companyId, input.shopId, client)
    const project = await Project.create(
      {
        companyId,
        name: input.name,
        description: input.description ?? null,
        ownerId: actor.id,
        shopId: input.shopId ?? null,
        startsOn,
        endsOn,
        status: input.status ?? 'active',
        isPrivate: input.isPrivate ?? false,
      },
      { client }
    )
    await this.setMembers(project, [actor.id, ...(input.memberIds ?? [])], client)
    await ActivityFeed.record(
      {
        companyId,
        projectId: project.id,
        actorId: actor.id,
        verb: 'project.created',
        data: { name: project.name },
      },
      client
    )
    await AuditLog.record({
      entityType: 'project',
      entityId: project.id,
      action: 'collaboration.project_created',
      after: this.snapshot(project),
      actor,
      client,
    })
    return project
  }

  async update(project: Project, input: ProjectInput, actor: User) {
    ProjectAccess.assertManage(project, actor)
    const before = this.snapshot(project)
    const startsOn = toDate(input.startsOn)
    const endsOn = toDate(input.endsOn)
    this.assertDates(startsOn, endsOn)
    await this.assertShop(project.companyId, input.shopId)
    project.merge({
      name: input.name,
      description: input.description ?? null,
      shopId: input.shopId ?? null,
      startsOn,
      endsOn,
      status: input.status ?? project.status,
      isPrivate: input.isPrivate ?? false,
    })
    await project.save()
    if (input.memberIds) await this.setMembers(project, [project.ownerId, ...input.memberIds])
    await ActivityFeed.record({
      companyId: project.companyId,
      projectId: project.id,
      actorId: actor.id,
      verb: 'project.updated',
      data: { name: project.name },
    })
    await AuditLog.record({
      entityType: 'project',
      entityId: project.id,
      action: 'collaboration.project_updated',
      before,
      after: this.snapshot(project),
      actor,
    })
    return project
  }

  private async setMembers(
    project: Project,
    userIds: number[],
    client: TransactionClientContract | typeof db = db
  ) {
    const ids = [...new Set(userIds)]
    const existing = await client.from('users').whereIn('id', ids).select('id')
    await client.from('project_members').where('project_id', project.id).delete()
    if (existing.length) {
      await client
        .table('project_members')
        .multiInsert(existing.map((u: any) => ({ project_id: project.id, user_id: u.id })))
    }
  }

  private assertDates(startsOn: DateTime | null, endsOn: DateTime | null) {
    if (startsOn && endsOn && startsOn > endsOn) {
      throw new DomainError('E_START_AFTER_END', 'collaboration.errors.start_after_end', 422)
    }
  }

  private async assertShop(
    companyId: number,
    shopId: number | null | undefined,
    client: TransactionClientContract | typeof db = db
  ) {
    if (!shopId) return
    const shop = await client.from('shops').where({ id: shopId, company_id: companyId }).first()
    if (!shop) throw new DomainError('E_BAD_SHOP', 'collaboration.errors.bad_shop', 422)
  }

  private snapshot(project: Project) {
    return {
      name: project.name,
      shopId: project.shopId,
      startsOn: project.startsOn?.toISODate() ?? null,
      endsOn: project.endsOn?.toISODate() ?? null,
      status: project.status,
      isPrivate: project.isPrivate,
    }
  }
}
