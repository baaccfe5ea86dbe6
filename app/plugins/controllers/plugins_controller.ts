import { randomUUID } from 'node:crypto'
import type { HttpContext } from '@adonisjs/core/http'
import { currentCompany } from '#app/organization/current_company'
import { DomainError } from '#app/shared/errors/domain_error'
import { Phone } from '#app/shared/kernel/phone'
import Member from '#app/members/models/member'
import PluginSetting from '#app/plugins/models/plugin_setting'
import Message from '#app/plugins/models/message'
import { pluginHost } from '#app/plugins/plugin_host'
import { publicConfig } from '#app/plugins/plugin_config'
import db from '@adonisjs/lucid/services/db'
import queue from '#app/shared/queue/queue'
import { channelRegistry, erpRegistry, webhookTable } from '#app/plugins/registries'
import { erpSyncJob, syncSchedule } from '#app/plugins/jobs/erp_sync_job'
import { toDateTime } from '#app/plugins/erp/sync_engine'
import { RequestStockPush } from '#app/plugins/actions/request_stock_push'
import { ManagePlugins } from '#app/plugins/actions/manage_plugins'
import { SendMessage } from '#app/plugins/actions/send_message'
import { testMessageValidator } from '#app/plugins/validators/plugin'
import env from '#start/env'
import { pluginReasonText } from '#app/plugins/plugin_reason'

/** 连接器: the Plugins page — status, switch on/off, configure, test. */
export default class PluginsController {
  async index({ view, request, i18n }: HttpContext) {
    const memberId = Number(request.input('memberId')) || null
    const plugins = pluginHost.list().map((state) => ({
      id: state.id,
      name: state.name,
      version: state.version,
      status: state.status,
      reason: pluginReasonText(state.reason, i18n),
      source: state.source,
      provides: state.manifest?.provides ?? [],
      sendsSms: channelRegistry.ownedBy(state.id).some((c) => c.capabilities.channel === 'sms'),
    }))
    return view.render('pages/plugins/index', { plugins, memberId })
  }

  async show({ params, view, i18n, request }: HttpContext) {
    const state = this.#find(params.id)
    const setting = await PluginSetting.findBy('pluginId', state.id)
    const fields = state.manifest?.config ?? []
    const values = publicConfig(fields, setting?.config ?? {})
    const locale = i18n.locale === 'en' ? 'en' : 'zh-CN'
    const appUrl = env.get('APP_URL').replace(/\/+$/, '')
    const channel = channelRegistry.ownedBy(state.id)[0] ?? null
    const messages = channel
      ? await Message.query().where('provider', state.id).orderBy('id', 'desc').limit(20)
      : []
    const erp = erpRegistry.ownedBy(state.id)[0] ?? null
    const syncRuns = erp
      ? await db.from('erp_sync_runs').where('connector', erp.id).orderBy('id', 'desc').limit(20)
      : []
    const schedule = erp && state.status === 'active' ? await syncSchedule(erp) : null
    return view.render('pages/plugins/show', {
      erp: erp
        ? {
            capabilities: erp.capabilities,
            pushesStock: !!erp.pushStock && erp.capabilities.stockWriteMode !== 'none',
          }
        : null,
      schedule,
      stockKey: randomUUID(),
      syncRuns: syncRuns.map((run) => ({ ...run, startedAt: toDateTime(run.started_at) })),
      plugin: state,
      reasonText: pluginReasonText(state.reason, i18n),
      enabled: setting ? setting.enabled : true,
      fields: fields.map((field) => ({
        ...field,
        options: field.options ?? [],
        labelText: field.label[locale],
        helpText: field.help?.[locale] ?? null,
        value: values[field.name] ?? field.default ?? '',
      })),
      webhooks: webhookTable
        .paths(state.id)
        .map((hook) => ({ ...hook, url: `${appUrl}/hooks/${state.id}/${hook.path}` })),
      channel: channel ? { capabilities: channel.capabilities } : null,
      testKey: randomUUID(),
      memberId: Number(request.input('memberId')) || null,
      testTemplateCode: String(values.testTemplateCode ?? ''),
      messages: messages.map((m) => ({
        id: m.id,
        direction: m.direction,
        phone: m.phone?.masked ?? '—',
        templateCode: m.templateCode,
        body: m.body,
        status: m.status,
        errorCode: m.errorCode,
        providerCode: m.providerCode,
        errorMessage: m.errorMessage,
        createdAt: m.createdAt,
        receiptAt: m.receiptAt,
      })),
    })
  }

  async enable(ctx: HttpContext) {
    return this.#toggle(ctx, true)
  }

  async disable(ctx: HttpContext) {
    return this.#toggle(ctx, false)
  }

  async configure({ params, request, response, auth, session, i18n }: HttpContext) {
    const state = this.#find(params.id)
    const names = (state.manifest?.config ?? []).map((f) => f.name)
    const result = await new ManagePlugins().configure(state.id, request.only(names), auth.user!)
    if (result?.status === 'failed') {
      session.flash('error', i18n.t('plugins.flash.failed', { reason: result.reason ?? '' }))
    } else {
      session.flash('success', i18n.t('plugins.flash.saved'))
    }
    return response.redirect().toRoute('plugins.show', { id: state.id })
  }

  async test({ params, response, session, i18n }: HttpContext) {
    const state = this.#find(params.id)
    const result = await pluginHost.testConnection(state.id)
    session.flash(
      result.ok ? 'success' : 'error',
      i18n.t(result.ok ? 'plugins.flash.test_ok' : 'plugins.flash.test_failed', {
        detail: result.detail,
      })
    )
    return response.redirect().toRoute('plugins.show', { id: state.id })
  }

  /** 发送测试短信: to a member (by id) or a number, through this channel plugin. */
  async testMessage({ params, request, response, auth, session, i18n }: HttpContext) {
    const state = this.#find(params.id)
    const input = await request.validateUsing(testMessageValidator)
    if (!input.templateCode && !input.text) {
      throw new DomainError('E_NO_CONTENT', 'plugins.errors.no_content', 422)
    }
    const company = await currentCompany()
    let phone: Phone | null = null
    let memberId: number | null = null
    if (input.memberId) {
      const member = await Member.query()
        .where({ id: input.memberId, company_id: company.id })
        .whereNull('erased_at')
        .first()
      if (!member)
        throw new DomainError('E_MEMBER_NOT_FOUND', 'plugins.errors.member_not_found', 404)
      phone = member.phone
      memberId = member.id
      if (!phone) throw new DomainError('E_NO_PHONE', 'plugins.errors.member_has_no_phone', 422)
    } else {
      phone = Phone.parse(input.phone ?? '')
    }
    const key = String(request.input('key') ?? '').slice(0, 64) || randomUUID()
    const message = await new SendMessage().handle({
      companyId: company.id,
      provider: state.id,
      phone,
      memberId,
      category: 'notification',
      template: input.templateCode
        ? { code: input.templateCode, params: parseParams(input.templateParams ?? '') }
        : null,
      text: input.text ?? null,
      idempotencyKey: `test-message:${state.id}:${key}`,
      requestedBy: auth.user!,
    })
    session.flash(
      message.status === 'suppressed' ? 'error' : 'success',
      i18n.t(
        `plugins.flash.test_message_${message.status === 'suppressed' ? 'suppressed' : 'queued'}`
      )
    )
    return response.redirect().toRoute('plugins.show', { id: state.id })
  }

  /** 立即同步: one ERP sync run for this connector, as a background job. */
  async syncNow({ params, response, auth, session, i18n }: HttpContext) {
    const state = this.#find(params.id)
    const connector = erpRegistry.ownedBy(state.id)[0]
    if (!connector) throw new DomainError('E_NOT_ERP', 'plugins.errors.not_erp', 422)
    await queue.dispatch(erpSyncJob, { connector: connector.id }, { requestedBy: auth.user! })
    session.flash('success', i18n.t('plugins.flash.sync_queued'))
    return response.redirect().toRoute('plugins.show', { id: state.id })
  }

  /** 推送库存: `SKU=quantity` lines, pushed once per form (its idempotency key). */
  async pushStock({ params, request, response, auth, session, i18n }: HttpContext) {
    const state = this.#find(params.id)
    const key = String(request.input('key') ?? '').slice(0, 64) || randomUUID()
    const items = await new RequestStockPush().handle(
      state.id,
      String(request.input('lines') ?? ''),
      key,
      auth.user!
    )
    session.flash('success', i18n.t('plugins.flash.stock_queued', { count: items.length }))
    return response.redirect().toRoute('plugins.show', { id: state.id })
  }

  async #toggle({ params, response, auth, session, i18n }: HttpContext, enabled: boolean) {
    const state = this.#find(params.id)
    const result = await new ManagePlugins().setEnabled(state.id, enabled, auth.user!)
    session.flash(
      result?.status === 'failed' ? 'error' : 'success',
      result?.status === 'failed'
        ? i18n.t('plugins.flash.failed', { reason: result.reason ?? '' })
        : i18n.t(enabled ? 'plugins.flash.enabled' : 'plugins.flash.disabled')
    )
    return response.redirect().toRoute('plugins.show', { id: state.id })
  }

  #find(id: string) {
    const state = pluginHost.get(String(id))
    if (!state) throw new DomainError('E_PLUGIN_NOT_FOUND', 'plugins.errors.not_found', 404)
    return state
  }
}

/** `code=1234` per line (or `&`-separated) → { code: '1234' }. */
export function parseParams(text: string): Record<string, string> {
  const params: Record<string, string> = {}
  for (const line of text.split(/[\n&]/)) {
    const index = line.indexOf('=')
    if (index <= 0) continue
    params[line.slice(0, index).trim()] = line.slice(index + 1).trim()
  }
  return params
}
