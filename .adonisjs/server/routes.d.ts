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
    'api.openapi': { paramsTuple?: []; params?: {} }
    'api.me': { paramsTuple?: []; params?: {} }
    'api.users.index': { paramsTuple?: []; params?: {} }
    'api.audit_events.index': { paramsTuple?: []; params?: {} }
    'api.jobs.show': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'members.index': { paramsTuple?: []; params?: {} }
    'members.rfm': { paramsTuple?: []; params?: {} }
    'members.segments.index': { paramsTuple?: []; params?: {} }
    'members.show': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'members.rfm.recompute': { paramsTuple?: []; params?: {} }
    'members.rfm.settings': { paramsTuple?: []; params?: {} }
    'members.rfm.settings.save': { paramsTuple?: []; params?: {} }
    'members.tags.store': { paramsTuple?: []; params?: {} }
    'members.tag_groups.store': { paramsTuple?: []; params?: {} }
    'members.tags.bulk': { paramsTuple?: []; params?: {} }
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
    'api.members.index': { paramsTuple?: []; params?: {} }
    'api.members.show': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'api.members.store': { paramsTuple?: []; params?: {} }
    'api.members.update': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'api.members.tags.add': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'api.members.tags.remove': { paramsTuple: [ParamValue,ParamValue]; params: {'id': ParamValue,'tagId': ParamValue} }
    'api.members.consents.update': { paramsTuple: [ParamValue,ParamValue]; params: {'id': ParamValue,'channel': ParamValue} }
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
    'api.openapi': { paramsTuple?: []; params?: {} }
    'api.me': { paramsTuple?: []; params?: {} }
    'api.users.index': { paramsTuple?: []; params?: {} }
    'api.audit_events.index': { paramsTuple?: []; params?: {} }
    'api.jobs.show': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'members.index': { paramsTuple?: []; params?: {} }
    'members.rfm': { paramsTuple?: []; params?: {} }
    'members.segments.index': { paramsTuple?: []; params?: {} }
    'members.show': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'members.rfm.settings': { paramsTuple?: []; params?: {} }
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
    'api.members.index': { paramsTuple?: []; params?: {} }
    'api.members.show': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
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
    'api.openapi': { paramsTuple?: []; params?: {} }
    'api.me': { paramsTuple?: []; params?: {} }
    'api.users.index': { paramsTuple?: []; params?: {} }
    'api.audit_events.index': { paramsTuple?: []; params?: {} }
    'api.jobs.show': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'members.index': { paramsTuple?: []; params?: {} }
    'members.rfm': { paramsTuple?: []; params?: {} }
    'members.segments.index': { paramsTuple?: []; params?: {} }
    'members.show': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'members.rfm.settings': { paramsTuple?: []; params?: {} }
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
    'api.members.index': { paramsTuple?: []; params?: {} }
    'api.members.show': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
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
    'members.rfm.settings.save': { paramsTuple?: []; params?: {} }
    'members.tags.store': { paramsTuple?: []; params?: {} }
    'members.tag_groups.store': { paramsTuple?: []; params?: {} }
    'members.tags.bulk': { paramsTuple?: []; params?: {} }
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
    'api.members.store': { paramsTuple?: []; params?: {} }
    'api.members.tags.add': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
  }
  PUT: {
    'account.password': { paramsTuple?: []; params?: {} }
    'account.preferences': { paramsTuple?: []; params?: {} }
    'users.update': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'api.members.consents.update': { paramsTuple: [ParamValue,ParamValue]; params: {'id': ParamValue,'channel': ParamValue} }
    'api.orders.upsert': { paramsTuple: [ParamValue,ParamValue]; params: {'shopId': ParamValue,'number': ParamValue} }
    'api.refunds.upsert': { paramsTuple: [ParamValue,ParamValue]; params: {'shopId': ParamValue,'number': ParamValue} }
  }
  DELETE: {
    'account.tokens.destroy': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'api.members.tags.remove': { paramsTuple: [ParamValue,ParamValue]; params: {'id': ParamValue,'tagId': ParamValue} }
  }
  PATCH: {
    'api.members.update': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
  }
}
declare module '@adonisjs/core/types/http' {
  export interface RoutesList extends ScannedRoutes {}
}