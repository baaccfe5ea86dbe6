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
    'members.index': { paramsTuple?: []; params?: {} }
    'members.rfm': { paramsTuple?: []; params?: {} }
    'members.show': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'members.rfm.recompute': { paramsTuple?: []; params?: {} }
    'members.tags.store': { paramsTuple?: []; params?: {} }
    'members.tag_groups.store': { paramsTuple?: []; params?: {} }
    'members.tags.bulk': { paramsTuple?: []; params?: {} }
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
    'members.merges.index': { paramsTuple?: []; params?: {} }
    'members.merges.store': { paramsTuple?: []; params?: {} }
    'members.merges.undo': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'imports.index': { paramsTuple?: []; params?: {} }
    'imports.preview': { paramsTuple?: []; params?: {} }
    'imports.store': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'imports.show': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'imports.rejects': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'api.openapi': { paramsTuple?: []; params?: {} }
    'api.me': { paramsTuple?: []; params?: {} }
    'api.users.index': { paramsTuple?: []; params?: {} }
    'api.audit_events.index': { paramsTuple?: []; params?: {} }
    'api.jobs.show': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'loyalty.index': { paramsTuple?: []; params?: {} }
    'loyalty.preview': { paramsTuple?: []; params?: {} }
    'loyalty.flow_csv': { paramsTuple?: []; params?: {} }
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
    'members.index': { paramsTuple?: []; params?: {} }
    'members.rfm': { paramsTuple?: []; params?: {} }
    'members.show': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'members.dnc.index': { paramsTuple?: []; params?: {} }
    'members.personal_data.export': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'members.exports.show': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'members.exports.download': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'members.merges.index': { paramsTuple?: []; params?: {} }
    'imports.index': { paramsTuple?: []; params?: {} }
    'imports.show': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'imports.rejects': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'api.openapi': { paramsTuple?: []; params?: {} }
    'api.me': { paramsTuple?: []; params?: {} }
    'api.users.index': { paramsTuple?: []; params?: {} }
    'api.audit_events.index': { paramsTuple?: []; params?: {} }
    'api.jobs.show': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'loyalty.index': { paramsTuple?: []; params?: {} }
    'loyalty.preview': { paramsTuple?: []; params?: {} }
    'loyalty.flow_csv': { paramsTuple?: []; params?: {} }
    'loyalty.member_points': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'api.points.expiring': { paramsTuple?: []; params?: {} }
    'api.members.points.index': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
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
    'members.index': { paramsTuple?: []; params?: {} }
    'members.rfm': { paramsTuple?: []; params?: {} }
    'members.show': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'members.dnc.index': { paramsTuple?: []; params?: {} }
    'members.personal_data.export': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'members.exports.show': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'members.exports.download': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'members.merges.index': { paramsTuple?: []; params?: {} }
    'imports.index': { paramsTuple?: []; params?: {} }
    'imports.show': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'imports.rejects': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'api.openapi': { paramsTuple?: []; params?: {} }
    'api.me': { paramsTuple?: []; params?: {} }
    'api.users.index': { paramsTuple?: []; params?: {} }
    'api.audit_events.index': { paramsTuple?: []; params?: {} }
    'api.jobs.show': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'loyalty.index': { paramsTuple?: []; params?: {} }
    'loyalty.preview': { paramsTuple?: []; params?: {} }
    'loyalty.flow_csv': { paramsTuple?: []; params?: {} }
    'loyalty.member_points': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'api.points.expiring': { paramsTuple?: []; params?: {} }
    'api.members.points.index': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
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
    'members.rfm.recompute': { paramsTuple?: []; params?: {} }
    'members.tags.store': { paramsTuple?: []; params?: {} }
    'members.tag_groups.store': { paramsTuple?: []; params?: {} }
    'members.tags.bulk': { paramsTuple?: []; params?: {} }
    'members.tags.attach': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'members.tags.detach': { paramsTuple: [ParamValue,ParamValue]; params: {'id': ParamValue,'tagId': ParamValue} }
    'members.dnc.store': { paramsTuple?: []; params?: {} }
    'members.dnc.destroy': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'members.consents.update': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'members.consents.withdraw_all': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'members.erase': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'members.exports.store': { paramsTuple?: []; params?: {} }
    'members.merges.store': { paramsTuple?: []; params?: {} }
    'members.merges.undo': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'imports.preview': { paramsTuple?: []; params?: {} }
    'imports.store': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
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
  }
  PUT: {
    'account.password': { paramsTuple?: []; params?: {} }
    'account.preferences': { paramsTuple?: []; params?: {} }
    'users.update': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
  }
  DELETE: {
    'account.tokens.destroy': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
  }
}
declare module '@adonisjs/core/types/http' {
  export interface RoutesList extends ScannedRoutes {}
}