import { halfWidth } from '#app/members/imports/normalise'
import { IDENTITY_TYPES } from '#app/members/models/member_identity'

/**
 * The columns each import understands: a canonical field name (the
 * standard format, docs/import.md) and the header spellings platform
 * exports use for it. Headers are compared after trimming, half-width
 * folding and lower-casing.
 */
export type FieldAliases = Record<string, string[]>

const IDENTITY_ALIASES: FieldAliases = {
  phone: ['手机号', '手机', '手机号码', 'mobile', '联系电话'],
  taobao_nick: ['买家昵称', '买家会员名', '淘宝昵称', '旺旺'],
  taobao_ouid: ['ouid'],
  wechat_openid: ['openid'],
  wechat_unionid: ['unionid'],
  jd_pin: ['京东账号', '买家账号', 'pin', '用户pin'],
  douyin_openid: ['抖音openid'],
  store_card: ['会员卡号', '门店会员卡'],
  erp_customer_id: ['erp客户编号', '客户编号'],
}

export const MEMBER_FIELDS: FieldAliases = {
  ...IDENTITY_ALIASES,
  name: ['姓名', '会员姓名', '真实姓名'],
  gender: ['性别'],
  birthday: ['生日', '出生日期'],
  province: ['省份', '省'],
  city: ['城市', '市'],
  email: ['邮箱', '电子邮箱'],
  registered_at: ['注册时间', '入会时间'],
  source_channel: ['来源渠道', '渠道'],
  notes: ['备注'],
  // What a platform reports for the account (Taobao/Tmall member export)
  platform_level: ['会员等级'],
  platform_spent: ['累计消费金额(元)', '累计消费金额'],
  platform_trades: ['交易次数'],
  platform_last_trade_at: ['最后交易时间'],
  platform_points: ['积分'],
}

const BUYER_FIELDS: FieldAliases = {
  ...IDENTITY_ALIASES,
  buyer_name: ['收货人姓名', '收货人', '买家姓名', '姓名'],
  province: ['省份', '收货省份'],
  city: ['城市', '收货城市'],
}

export const ORDER_FIELDS: FieldAliases = {
  shop: ['店铺', '店铺名称'],
  order_no: ['订单号', '订单编号', '主订单编号'],
  status: ['订单状态', '状态'],
  ordered_at: ['下单时间', '订单创建时间', '创建时间'],
  paid_at: ['付款时间', '支付时间'],
  shipped_at: ['发货时间'],
  completed_at: ['完成时间', '确认收货时间', '成交时间'],
  closed_at: ['关闭时间'],
  goods_amount: ['商品金额', '商品总价', '总金额'],
  discount_amount: ['优惠金额', '折扣金额'],
  shipping_amount: ['运费', '邮费'],
  paid_amount: ['实付金额', '买家实际支付金额', '实收款'],
  coupon_codes: ['优惠券', '优惠券码'],
  ...BUYER_FIELDS,
  sku_code: ['sku编码', '商家编码', '商品sku编码'],
  product_code: ['商品编码', '款号'],
  title: ['商品标题', '商品名称', '宝贝标题'],
  category: ['类目', '商品类目', '品类'],
  quantity: ['数量', '购买数量'],
  price: ['单价', '商品单价', '价格'],
  item_paid_amount: ['商品实付', '子订单实付金额', '分摊实付'],
}

export const REFUND_FIELDS: FieldAliases = {
  shop: ['店铺', '店铺名称'],
  refund_no: ['退款编号', '退款单号'],
  order_no: ['订单号', '订单编号'],
  status: ['退款状态', '状态'],
  amount: ['退款金额', '买家退款金额'],
  requested_at: ['申请时间', '退款申请时间'],
  completed_at: ['完成时间', '退款完成时间'],
  reason: ['退款原因', '原因'],
  sku_code: ['sku编码', '商家编码'],
  quantity: ['数量', '退货数量'],
  item_amount: ['商品退款金额'],
}

export const IDENTITY_FIELDS = IDENTITY_TYPES as readonly string[]

/** A member import's column for a custom attribute: `attribute:<id>`, found by the attribute's label. */
export const ATTRIBUTE_FIELD = 'attribute:'

export function normaliseHeader(header: string): string {
  return halfWidth(header.replace(/^\uFEFF/, ''))
    .replace(/\s+/g, '')
    .toLowerCase()
}

export interface HeaderMap {
  /** field -> cell index */
  index: Map<string, number>
  /** Header cells nothing maps to; shown in the preview, ignored on import. */
  unknown: string[]
  headers: string[]
}

export function mapHeader(cells: string[], fields: FieldAliases): HeaderMap {
  const lookup = new Map<string, string>()
  for (const [field, aliases] of Object.entries(fields)) {
    lookup.set(normaliseHeader(field), field)
    for (const alias of aliases)
      if (!lookup.has(normaliseHeader(alias))) lookup.set(normaliseHeader(alias), field)
  }
  const index = new Map<string, number>()
  const unknown: string[] = []
  cells.forEach((cell, i) => {
    const field = lookup.get(normaliseHeader(cell))
    if (field && !index.has(field)) index.set(field, i)
    else if (cell.trim()) unknown.push(cell.trim())
  })
  return { index, unknown, headers: cells.map((c) => c.trim()) }
}
