import '@adonisjs/core/types/http'

type ParamValue = string | number | bigint | boolean

export type ScannedRoutes = {
  ALL: {
    'session.create': { paramsTuple?: []; params?: {} }
    'session.store': { paramsTuple?: []; params?: {} }
    'locale.update': { paramsTuple?: []; params?: {} }
    'session.destroy': { paramsTuple?: []; params?: {} }
    'account.edit': { paramsTuple?: []; params?: {} }
    'account.password': { paramsTuple?: []; params?: {} }
    'account.preferences': { paramsTuple?: []; params?: {} }
    'account.tokens.store': { paramsTuple?: []; params?: {} }
    'account.tokens.destroy': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'users.index': { paramsTuple?: []; params?: {} }
    'users.create': { paramsTuple?: []; params?: {} }
    'users.store': { paramsTuple?: []; params?: {} }
    'users.edit': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'users.update': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'users.disable': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'users.enable': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'users.password': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'permissions.show': { paramsTuple?: []; params?: {} }
    'dashboard.show': { paramsTuple?: []; params?: {} }
    'audit.index': { paramsTuple?: []; params?: {} }
    'jobs.index': { paramsTuple?: []; params?: {} }
    'jobs.retry': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'jobs.progress': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'health.show': { paramsTuple?: []; params?: {} }
    'plugins.index': { paramsTuple?: []; params?: {} }
    'plugins.show': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'plugins.enable': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'plugins.disable': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'plugins.configure': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'plugins.test': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'plugins.test_message': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'plugins.sync': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'plugins.stock': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'plugins.hooks': { paramsTuple: [ParamValue,...ParamValue[]]; params: {'pluginId': ParamValue,'*': ParamValue[]} }
    'api.openapi': { paramsTuple?: []; params?: {} }
    'api.me': { paramsTuple?: []; params?: {} }
    'api.users.index': { paramsTuple?: []; params?: {} }
    'api.audit_events.index': { paramsTuple?: []; params?: {} }
    'api.jobs.show': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'members.index': { paramsTuple?: []; params?: {} }
    'members.rfm': { paramsTuple?: []; params?: {} }
    'members.segments.index': { paramsTuple?: []; params?: {} }
    'members.tags.index': { paramsTuple?: []; params?: {} }
    'members.product_options': { paramsTuple?: []; params?: {} }
    'members.show': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'members.rfm.recompute': { paramsTuple?: []; params?: {} }
    'members.rfm.settings': { paramsTuple?: []; params?: {} }
    'members.rfm.settings.save': { paramsTuple?: []; params?: {} }
    'members.tags.store': { paramsTuple?: []; params?: {} }
    'members.tag_groups.store': { paramsTuple?: []; params?: {} }
    'members.tags.bulk': { paramsTuple?: []; params?: {} }
    'members.tag_rules.store': { paramsTuple?: []; params?: {} }
    'members.tag_rules.run_all': { paramsTuple?: []; params?: {} }
    'members.tag_rules.update': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'members.tag_rules.edit': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'members.tag_rules.conditions': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'members.tag_rules.run': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'members.tag_rules.destroy': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'members.attributes.update': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'members.segments.store': { paramsTuple?: []; params?: {} }
    'members.segments.destroy': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'members.profile.update': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'members.tags.attach': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'members.tags.detach': { paramsTuple: [ParamValue,ParamValue]; params: {'id': ParamValue,'tagId': ParamValue} }
    'members.dnc.index': { paramsTuple?: []; params?: {} }
    'members.dnc.store': { paramsTuple?: []; params?: {} }
    'members.dnc.destroy': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'members.consents.update': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'members.consents.withdraw_all': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'members.personal_data.export': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'members.erase': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'members.exports.store': { paramsTuple?: []; params?: {} }
    'members.exports.show': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'members.exports.download': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'members.attributes.index': { paramsTuple?: []; params?: {} }
    'members.attributes.store': { paramsTuple?: []; params?: {} }
    'members.attributes.destroy': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'members.merges.index': { paramsTuple?: []; params?: {} }
    'members.merges.store': { paramsTuple?: []; params?: {} }
    'members.merges.undo': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'imports.index': { paramsTuple?: []; params?: {} }
    'imports.preview': { paramsTuple?: []; params?: {} }
    'imports.store': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'imports.show': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'imports.preview.show': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'imports.mapping': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'imports.mapping.save': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'imports.rejects': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'api.auto_tag_rules.index': { paramsTuple?: []; params?: {} }
    'api.auto_tag_rules.store': { paramsTuple?: []; params?: {} }
    'api.auto_tag_rules.recompute_all': { paramsTuple?: []; params?: {} }
    'api.auto_tag_rules.update': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'api.auto_tag_rules.destroy': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'api.auto_tag_rules.recompute': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'api.members.index': { paramsTuple?: []; params?: {} }
    'api.members.show': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'api.members.store': { paramsTuple?: []; params?: {} }
    'api.members.update': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'api.members.tags.add': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'api.members.tags.remove': { paramsTuple: [ParamValue,ParamValue]; params: {'id': ParamValue,'tagId': ParamValue} }
    'api.members.consents.update': { paramsTuple: [ParamValue,ParamValue]; params: {'id': ParamValue,'channel': ParamValue} }
    'members.phone.reveal': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'collaboration.my_day': { paramsTuple?: []; params?: {} }
    'collaboration.projects.index': { paramsTuple?: []; params?: {} }
    'collaboration.projects.show': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'collaboration.board': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'collaboration.tasks.index': { paramsTuple?: []; params?: {} }
    'collaboration.tasks.show': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'collaboration.activity': { paramsTuple?: []; params?: {} }
    'collaboration.team': { paramsTuple?: []; params?: {} }
    'collaboration.workload': { paramsTuple?: []; params?: {} }
    'collaboration.burndown': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'collaboration.timeline': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'collaboration.templates.index': { paramsTuple?: []; params?: {} }
    'collaboration.templates.show': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'collaboration.templates.export': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'collaboration.filters.store': { paramsTuple?: []; params?: {} }
    'collaboration.filters.destroy': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'collaboration.attachments.show': { paramsTuple: [ParamValue,ParamValue]; params: {'id': ParamValue,'attachmentId': ParamValue} }
    'collaboration.tasks.watch': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'collaboration.tasks.unwatch': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'collaboration.projects.store': { paramsTuple?: []; params?: {} }
    'collaboration.projects.update': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'collaboration.templates.import': { paramsTuple?: []; params?: {} }
    'collaboration.templates.instantiate': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'collaboration.templates.save': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'collaboration.recurring.store': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'collaboration.recurring.stop': { paramsTuple: [ParamValue,ParamValue]; params: {'id': ParamValue,'ruleId': ParamValue} }
    'collaboration.tasks.store': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'collaboration.tasks.update': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'collaboration.tasks.move': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'collaboration.tasks.complete': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'collaboration.checklist.store': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'collaboration.checklist.toggle': { paramsTuple: [ParamValue,ParamValue]; params: {'id': ParamValue,'itemId': ParamValue} }
    'collaboration.attachments.store': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'collaboration.attachments.destroy': { paramsTuple: [ParamValue,ParamValue]; params: {'id': ParamValue,'attachmentId': ParamValue} }
    'collaboration.blockers.store': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'collaboration.blockers.destroy': { paramsTuple: [ParamValue,ParamValue]; params: {'id': ParamValue,'blockerId': ParamValue} }
    'collaboration.comments.store': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'collaboration.projects.confirm_delete': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'collaboration.projects.destroy': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'collaboration.tasks.confirm_delete': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'collaboration.tasks.destroy': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'collaboration.comments.confirm_delete': { paramsTuple: [ParamValue,ParamValue]; params: {'id': ParamValue,'commentId': ParamValue} }
    'collaboration.comments.destroy': { paramsTuple: [ParamValue,ParamValue]; params: {'id': ParamValue,'commentId': ParamValue} }
    'collaboration.statuses.index': { paramsTuple?: []; params?: {} }
    'collaboration.statuses.store': { paramsTuple?: []; params?: {} }
    'collaboration.statuses.update': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'collaboration.holidays.index': { paramsTuple?: []; params?: {} }
    'collaboration.holidays.store': { paramsTuple?: []; params?: {} }
    'collaboration.holidays.destroy': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'collaboration.templates.edit': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'collaboration.templates.update': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'collaboration.notifications.index': { paramsTuple?: []; params?: {} }
    'collaboration.notifications.unread': { paramsTuple?: []; params?: {} }
    'collaboration.notifications.open': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'collaboration.notifications.read_all': { paramsTuple?: []; params?: {} }
    'api.projects.index': { paramsTuple?: []; params?: {} }
    'api.tasks.index': { paramsTuple?: []; params?: {} }
    'api.templates.index': { paramsTuple?: []; params?: {} }
    'api.templates.export': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'api.tasks.store': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'api.tasks.update': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'api.tasks.destroy': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'api.projects.store': { paramsTuple?: []; params?: {} }
    'api.projects.update': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'api.projects.destroy': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'api.tasks.complete': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'api.templates.import': { paramsTuple?: []; params?: {} }
    'api.projects.from_template': { paramsTuple?: []; params?: {} }
    'loyalty.index': { paramsTuple?: []; params?: {} }
    'loyalty.preview': { paramsTuple?: []; params?: {} }
    'loyalty.flow_csv': { paramsTuple?: []; params?: {} }
    'loyalty.order': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'loyalty.rules.store': { paramsTuple?: []; params?: {} }
    'loyalty.promotions.store': { paramsTuple?: []; params?: {} }
    'loyalty.promotions.cancel': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'loyalty.rewards.store': { paramsTuple?: []; params?: {} }
    'loyalty.tiers.update': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'loyalty.tiers.store': { paramsTuple?: []; params?: {} }
    'loyalty.settings.update': { paramsTuple?: []; params?: {} }
    'loyalty.member_points': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'loyalty.member_points.adjust': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'loyalty.redemptions.store': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'loyalty.redemptions.cancel': { paramsTuple: [ParamValue,ParamValue]; params: {'id': ParamValue,'redemptionId': ParamValue} }
    'loyalty.member_tier.update': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'api.points.expiring': { paramsTuple?: []; params?: {} }
    'api.members.points.index': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'api.members.points.redeem': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'api.members.redemptions.cancel': { paramsTuple: [ParamValue,ParamValue]; params: {'id': ParamValue,'redemptionId': ParamValue} }
    'api.members.points.adjust': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'coupons.index': { paramsTuple?: []; params?: {} }
    'coupons.show': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'coupons.create': { paramsTuple?: []; params?: {} }
    'coupons.store': { paramsTuple?: []; params?: {} }
    'coupons.archive': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'coupons.batches.create': { paramsTuple?: []; params?: {} }
    'coupons.batches.store': { paramsTuple?: []; params?: {} }
    'coupons.member': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'api.coupons.validate': { paramsTuple?: []; params?: {} }
    'api.coupons.use': { paramsTuple?: []; params?: {} }
    'benefits.index': { paramsTuple?: []; params?: {} }
    'benefits.usage_csv': { paramsTuple?: []; params?: {} }
    'benefits.member': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'benefits.store': { paramsTuple?: []; params?: {} }
    'benefits.grant_tier': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'benefits.revoke_grant': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'benefits.member_grant': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'benefits.member_claim': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'api.members.benefits.index': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'api.members.benefits.claim': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'api.orders.upsert': { paramsTuple: [ParamValue,ParamValue]; params: {'shopId': ParamValue,'number': ParamValue} }
    'api.refunds.upsert': { paramsTuple: [ParamValue,ParamValue]; params: {'shopId': ParamValue,'number': ParamValue} }
  }
  GET: {
    'session.create': { paramsTuple?: []; params?: {} }
    'account.edit': { paramsTuple?: []; params?: {} }
    'users.index': { paramsTuple?: []; params?: {} }
    'users.create': { paramsTuple?: []; params?: {} }
    'users.edit': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'permissions.show': { paramsTuple?: []; params?: {} }
    'dashboard.show': { paramsTuple?: []; params?: {} }
    'audit.index': { paramsTuple?: []; params?: {} }
    'jobs.index': { paramsTuple?: []; params?: {} }
    'jobs.progress': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'health.show': { paramsTuple?: []; params?: {} }
    'plugins.index': { paramsTuple?: []; params?: {} }
    'plugins.show': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'plugins.hooks': { paramsTuple: [ParamValue,...ParamValue[]]; params: {'pluginId': ParamValue,'*': ParamValue[]} }
    'api.openapi': { paramsTuple?: []; params?: {} }
    'api.me': { paramsTuple?: []; params?: {} }
    'api.users.index': { paramsTuple?: []; params?: {} }
    'api.audit_events.index': { paramsTuple?: []; params?: {} }
    'api.jobs.show': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'members.index': { paramsTuple?: []; params?: {} }
    'members.rfm': { paramsTuple?: []; params?: {} }
    'members.segments.index': { paramsTuple?: []; params?: {} }
    'members.tags.index': { paramsTuple?: []; params?: {} }
    'members.product_options': { paramsTuple?: []; params?: {} }
    'members.show': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'members.rfm.settings': { paramsTuple?: []; params?: {} }
    'members.tag_rules.edit': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'members.dnc.index': { paramsTuple?: []; params?: {} }
    'members.personal_data.export': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'members.exports.show': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'members.exports.download': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'members.attributes.index': { paramsTuple?: []; params?: {} }
    'members.merges.index': { paramsTuple?: []; params?: {} }
    'imports.index': { paramsTuple?: []; params?: {} }
    'imports.show': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'imports.preview.show': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'imports.mapping': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'imports.rejects': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'api.auto_tag_rules.index': { paramsTuple?: []; params?: {} }
    'api.members.index': { paramsTuple?: []; params?: {} }
    'api.members.show': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'collaboration.my_day': { paramsTuple?: []; params?: {} }
    'collaboration.projects.index': { paramsTuple?: []; params?: {} }
    'collaboration.projects.show': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'collaboration.board': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'collaboration.tasks.index': { paramsTuple?: []; params?: {} }
    'collaboration.tasks.show': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'collaboration.activity': { paramsTuple?: []; params?: {} }
    'collaboration.team': { paramsTuple?: []; params?: {} }
    'collaboration.workload': { paramsTuple?: []; params?: {} }
    'collaboration.burndown': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'collaboration.timeline': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'collaboration.templates.index': { paramsTuple?: []; params?: {} }
    'collaboration.templates.show': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'collaboration.templates.export': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'collaboration.attachments.show': { paramsTuple: [ParamValue,ParamValue]; params: {'id': ParamValue,'attachmentId': ParamValue} }
    'collaboration.projects.confirm_delete': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'collaboration.tasks.confirm_delete': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'collaboration.comments.confirm_delete': { paramsTuple: [ParamValue,ParamValue]; params: {'id': ParamValue,'commentId': ParamValue} }
    'collaboration.statuses.index': { paramsTuple?: []; params?: {} }
    'collaboration.holidays.index': { paramsTuple?: []; params?: {} }
    'collaboration.templates.edit': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'collaboration.notifications.index': { paramsTuple?: []; params?: {} }
    'collaboration.notifications.unread': { paramsTuple?: []; params?: {} }
    'collaboration.notifications.open': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'api.projects.index': { paramsTuple?: []; params?: {} }
    'api.tasks.index': { paramsTuple?: []; params?: {} }
    'api.templates.index': { paramsTuple?: []; params?: {} }
    'api.templates.export': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'loyalty.index': { paramsTuple?: []; params?: {} }
    'loyalty.preview': { paramsTuple?: []; params?: {} }
    'loyalty.flow_csv': { paramsTuple?: []; params?: {} }
    'loyalty.order': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'loyalty.member_points': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'api.points.expiring': { paramsTuple?: []; params?: {} }
    'api.members.points.index': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'coupons.index': { paramsTuple?: []; params?: {} }
    'coupons.show': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'coupons.create': { paramsTuple?: []; params?: {} }
    'coupons.batches.create': { paramsTuple?: []; params?: {} }
    'coupons.member': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'benefits.index': { paramsTuple?: []; params?: {} }
    'benefits.usage_csv': { paramsTuple?: []; params?: {} }
    'benefits.member': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'api.members.benefits.index': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
  }
  HEAD: {
    'session.create': { paramsTuple?: []; params?: {} }
    'account.edit': { paramsTuple?: []; params?: {} }
    'users.index': { paramsTuple?: []; params?: {} }
    'users.create': { paramsTuple?: []; params?: {} }
    'users.edit': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'permissions.show': { paramsTuple?: []; params?: {} }
    'dashboard.show': { paramsTuple?: []; params?: {} }
    'audit.index': { paramsTuple?: []; params?: {} }
    'jobs.index': { paramsTuple?: []; params?: {} }
    'jobs.progress': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'health.show': { paramsTuple?: []; params?: {} }
    'plugins.index': { paramsTuple?: []; params?: {} }
    'plugins.show': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'plugins.hooks': { paramsTuple: [ParamValue,...ParamValue[]]; params: {'pluginId': ParamValue,'*': ParamValue[]} }
    'api.openapi': { paramsTuple?: []; params?: {} }
    'api.me': { paramsTuple?: []; params?: {} }
    'api.users.index': { paramsTuple?: []; params?: {} }
    'api.audit_events.index': { paramsTuple?: []; params?: {} }
    'api.jobs.show': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'members.index': { paramsTuple?: []; params?: {} }
    'members.rfm': { paramsTuple?: []; params?: {} }
    'members.segments.index': { paramsTuple?: []; params?: {} }
    'members.tags.index': { paramsTuple?: []; params?: {} }
    'members.product_options': { paramsTuple?: []; params?: {} }
    'members.show': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'members.rfm.settings': { paramsTuple?: []; params?: {} }
    'members.tag_rules.edit': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'members.dnc.index': { paramsTuple?: []; params?: {} }
    'members.personal_data.export': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'members.exports.show': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'members.exports.download': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'members.attributes.index': { paramsTuple?: []; params?: {} }
    'members.merges.index': { paramsTuple?: []; params?: {} }
    'imports.index': { paramsTuple?: []; params?: {} }
    'imports.show': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'imports.preview.show': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'imports.mapping': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'imports.rejects': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'api.auto_tag_rules.index': { paramsTuple?: []; params?: {} }
    'api.members.index': { paramsTuple?: []; params?: {} }
    'api.members.show': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'collaboration.my_day': { paramsTuple?: []; params?: {} }
    'collaboration.projects.index': { paramsTuple?: []; params?: {} }
    'collaboration.projects.show': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'collaboration.board': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'collaboration.tasks.index': { paramsTuple?: []; params?: {} }
    'collaboration.tasks.show': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'collaboration.activity': { paramsTuple?: []; params?: {} }
    'collaboration.team': { paramsTuple?: []; params?: {} }
    'collaboration.workload': { paramsTuple?: []; params?: {} }
    'collaboration.burndown': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'collaboration.timeline': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'collaboration.templates.index': { paramsTuple?: []; params?: {} }
    'collaboration.templates.show': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'collaboration.templates.export': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'collaboration.attachments.show': { paramsTuple: [ParamValue,ParamValue]; params: {'id': ParamValue,'attachmentId': ParamValue} }
    'collaboration.projects.confirm_delete': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'collaboration.tasks.confirm_delete': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'collaboration.comments.confirm_delete': { paramsTuple: [ParamValue,ParamValue]; params: {'id': ParamValue,'commentId': ParamValue} }
    'collaboration.statuses.index': { paramsTuple?: []; params?: {} }
    'collaboration.holidays.index': { paramsTuple?: []; params?: {} }
    'collaboration.templates.edit': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'collaboration.notifications.index': { paramsTuple?: []; params?: {} }
    'collaboration.notifications.unread': { paramsTuple?: []; params?: {} }
    'collaboration.notifications.open': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'api.projects.index': { paramsTuple?: []; params?: {} }
    'api.tasks.index': { paramsTuple?: []; params?: {} }
    'api.templates.index': { paramsTuple?: []; params?: {} }
    'api.templates.export': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'loyalty.index': { paramsTuple?: []; params?: {} }
    'loyalty.preview': { paramsTuple?: []; params?: {} }
    'loyalty.flow_csv': { paramsTuple?: []; params?: {} }
    'loyalty.order': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'loyalty.member_points': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'api.points.expiring': { paramsTuple?: []; params?: {} }
    'api.members.points.index': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'coupons.index': { paramsTuple?: []; params?: {} }
    'coupons.show': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'coupons.create': { paramsTuple?: []; params?: {} }
    'coupons.batches.create': { paramsTuple?: []; params?: {} }
    'coupons.member': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'benefits.index': { paramsTuple?: []; params?: {} }
    'benefits.usage_csv': { paramsTuple?: []; params?: {} }
    'benefits.member': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'api.members.benefits.index': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
  }
  POST: {
    'session.store': { paramsTuple?: []; params?: {} }
    'locale.update': { paramsTuple?: []; params?: {} }
    'session.destroy': { paramsTuple?: []; params?: {} }
    'account.tokens.store': { paramsTuple?: []; params?: {} }
    'users.store': { paramsTuple?: []; params?: {} }
    'users.disable': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'users.enable': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'users.password': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'jobs.retry': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'plugins.enable': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'plugins.disable': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'plugins.configure': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'plugins.test': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'plugins.test_message': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'plugins.sync': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'plugins.stock': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'plugins.hooks': { paramsTuple: [ParamValue,...ParamValue[]]; params: {'pluginId': ParamValue,'*': ParamValue[]} }
    'members.rfm.recompute': { paramsTuple?: []; params?: {} }
    'members.rfm.settings.save': { paramsTuple?: []; params?: {} }
    'members.tags.store': { paramsTuple?: []; params?: {} }
    'members.tag_groups.store': { paramsTuple?: []; params?: {} }
    'members.tags.bulk': { paramsTuple?: []; params?: {} }
    'members.tag_rules.store': { paramsTuple?: []; params?: {} }
    'members.tag_rules.run_all': { paramsTuple?: []; params?: {} }
    'members.tag_rules.update': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'members.tag_rules.conditions': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'members.tag_rules.run': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'members.tag_rules.destroy': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'members.attributes.update': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'members.segments.store': { paramsTuple?: []; params?: {} }
    'members.segments.destroy': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'members.profile.update': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'members.tags.attach': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'members.tags.detach': { paramsTuple: [ParamValue,ParamValue]; params: {'id': ParamValue,'tagId': ParamValue} }
    'members.dnc.store': { paramsTuple?: []; params?: {} }
    'members.dnc.destroy': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'members.consents.update': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'members.consents.withdraw_all': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'members.erase': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'members.exports.store': { paramsTuple?: []; params?: {} }
    'members.attributes.store': { paramsTuple?: []; params?: {} }
    'members.attributes.destroy': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'members.merges.store': { paramsTuple?: []; params?: {} }
    'members.merges.undo': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'imports.preview': { paramsTuple?: []; params?: {} }
    'imports.store': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'imports.mapping.save': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'api.auto_tag_rules.store': { paramsTuple?: []; params?: {} }
    'api.auto_tag_rules.recompute_all': { paramsTuple?: []; params?: {} }
    'api.auto_tag_rules.recompute': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'api.members.store': { paramsTuple?: []; params?: {} }
    'api.members.tags.add': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'members.phone.reveal': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'collaboration.filters.store': { paramsTuple?: []; params?: {} }
    'collaboration.filters.destroy': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'collaboration.tasks.watch': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'collaboration.tasks.unwatch': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'collaboration.projects.store': { paramsTuple?: []; params?: {} }
    'collaboration.projects.update': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'collaboration.templates.import': { paramsTuple?: []; params?: {} }
    'collaboration.templates.instantiate': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'collaboration.templates.save': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'collaboration.recurring.store': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'collaboration.recurring.stop': { paramsTuple: [ParamValue,ParamValue]; params: {'id': ParamValue,'ruleId': ParamValue} }
    'collaboration.tasks.store': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'collaboration.tasks.update': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'collaboration.tasks.move': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'collaboration.tasks.complete': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'collaboration.checklist.store': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'collaboration.checklist.toggle': { paramsTuple: [ParamValue,ParamValue]; params: {'id': ParamValue,'itemId': ParamValue} }
    'collaboration.attachments.store': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'collaboration.attachments.destroy': { paramsTuple: [ParamValue,ParamValue]; params: {'id': ParamValue,'attachmentId': ParamValue} }
    'collaboration.blockers.store': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'collaboration.blockers.destroy': { paramsTuple: [ParamValue,ParamValue]; params: {'id': ParamValue,'blockerId': ParamValue} }
    'collaboration.comments.store': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'collaboration.projects.destroy': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'collaboration.tasks.destroy': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'collaboration.comments.destroy': { paramsTuple: [ParamValue,ParamValue]; params: {'id': ParamValue,'commentId': ParamValue} }
    'collaboration.statuses.store': { paramsTuple?: []; params?: {} }
    'collaboration.statuses.update': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'collaboration.holidays.store': { paramsTuple?: []; params?: {} }
    'collaboration.holidays.destroy': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'collaboration.templates.update': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'collaboration.notifications.read_all': { paramsTuple?: []; params?: {} }
    'api.tasks.store': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'api.projects.store': { paramsTuple?: []; params?: {} }
    'api.tasks.complete': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'api.templates.import': { paramsTuple?: []; params?: {} }
    'api.projects.from_template': { paramsTuple?: []; params?: {} }
    'loyalty.rules.store': { paramsTuple?: []; params?: {} }
    'loyalty.promotions.store': { paramsTuple?: []; params?: {} }
    'loyalty.promotions.cancel': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'loyalty.rewards.store': { paramsTuple?: []; params?: {} }
    'loyalty.tiers.update': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'loyalty.tiers.store': { paramsTuple?: []; params?: {} }
    'loyalty.settings.update': { paramsTuple?: []; params?: {} }
    'loyalty.member_points.adjust': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'loyalty.redemptions.store': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'loyalty.redemptions.cancel': { paramsTuple: [ParamValue,ParamValue]; params: {'id': ParamValue,'redemptionId': ParamValue} }
    'loyalty.member_tier.update': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'api.members.points.redeem': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'api.members.redemptions.cancel': { paramsTuple: [ParamValue,ParamValue]; params: {'id': ParamValue,'redemptionId': ParamValue} }
    'api.members.points.adjust': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'coupons.store': { paramsTuple?: []; params?: {} }
    'coupons.archive': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'coupons.batches.store': { paramsTuple?: []; params?: {} }
    'api.coupons.validate': { paramsTuple?: []; params?: {} }
    'api.coupons.use': { paramsTuple?: []; params?: {} }
    'benefits.store': { paramsTuple?: []; params?: {} }
    'benefits.grant_tier': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'benefits.revoke_grant': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'benefits.member_grant': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'benefits.member_claim': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'api.members.benefits.claim': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
  }
  PUT: {
    'account.password': { paramsTuple?: []; params?: {} }
    'account.preferences': { paramsTuple?: []; params?: {} }
    'users.update': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'plugins.hooks': { paramsTuple: [ParamValue,...ParamValue[]]; params: {'pluginId': ParamValue,'*': ParamValue[]} }
    'api.members.consents.update': { paramsTuple: [ParamValue,ParamValue]; params: {'id': ParamValue,'channel': ParamValue} }
    'api.orders.upsert': { paramsTuple: [ParamValue,ParamValue]; params: {'shopId': ParamValue,'number': ParamValue} }
    'api.refunds.upsert': { paramsTuple: [ParamValue,ParamValue]; params: {'shopId': ParamValue,'number': ParamValue} }
  }
  DELETE: {
    'account.tokens.destroy': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'plugins.hooks': { paramsTuple: [ParamValue,...ParamValue[]]; params: {'pluginId': ParamValue,'*': ParamValue[]} }
    'api.auto_tag_rules.destroy': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'api.members.tags.remove': { paramsTuple: [ParamValue,ParamValue]; params: {'id': ParamValue,'tagId': ParamValue} }
    'api.tasks.destroy': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'api.projects.destroy': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
  }
  OPTIONS: {
    'plugins.hooks': { paramsTuple: [ParamValue,...ParamValue[]]; params: {'pluginId': ParamValue,'*': ParamValue[]} }
  }
  PATCH: {
    'plugins.hooks': { paramsTuple: [ParamValue,...ParamValue[]]; params: {'pluginId': ParamValue,'*': ParamValue[]} }
    'api.auto_tag_rules.update': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'api.members.update': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'api.tasks.update': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'api.projects.update': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
  }
}
declare module '@adonisjs/core/types/http' {
  export interface RoutesList extends ScannedRoutes {}
}