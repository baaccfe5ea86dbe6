/**
 * Built-in playbook templates, seeded into every company on first use of
 * the template library. Offsets are days from the event day T; roles are
 * placeholders mapped to people when a project is created.
 */
export interface BuiltinTask {
  title: string
  offset: number
  role: string
  time?: string
  priority?: number
  labels?: string
  checklist?: string[]
  description?: string
}

export interface BuiltinTemplate {
  key: string
  name: string
  category: string
  shopSize: string
  description: string
  tasks: BuiltinTask[]
}

export const BUILTIN_TEMPLATES: BuiltinTemplate[] = [
  {
    key: 'juhuasuan',
    name: '聚划算单品团',
    category: '服装',
    shopSize: 'medium',
    description:
      '聚划算单品团从报名到复盘的标准流程：T 为开团日。适合中等规模的服饰店铺，可按类目调整。',
    tasks: [
      {
        title: '确定参团商品与目标销量',
        offset: -21,
        role: '运营',
        priority: 2,
        labels: '选品',
        checklist: ['近 30 天转化率', '库存深度', '毛利测算'],
      },
      {
        title: '聚划算报名并提交资料',
        offset: -18,
        role: '运营',
        priority: 3,
        labels: '报名',
        checklist: ['商品资质', '价格承诺', '样品寄送'],
      },
      { title: '核对活动价与最低价规则', offset: -16, role: '运营', priority: 2, labels: '价格' },
      {
        title: '确认库存并锁定备货',
        offset: -14,
        role: '仓储',
        priority: 2,
        labels: '库存',
        checklist: ['可售库存', '在途库存', '安全库存'],
      },
      {
        title: '设计聚划算主图与白底图',
        offset: -12,
        role: '美工',
        labels: '主图',
        checklist: ['主图 5 张', '白底图', '透明图'],
      },
      { title: '更新详情页活动模块', offset: -10, role: '美工', labels: '详情页' },
      { title: '设置优惠券与满减', offset: -8, role: '运营', labels: '优惠' },
      {
        title: '客服活动话术与常见问题',
        offset: -7,
        role: '客服主管',
        labels: '客服',
        checklist: ['活动规则', '发货时效', '退换货政策'],
      },
      { title: '预热：直通车与引力魔方投放计划', offset: -6, role: '推广', labels: '推广' },
      {
        title: '会员群与私域预告',
        offset: -3,
        role: '运营',
        labels: '私域',
        checklist: ['企业微信群', '短信预告', '店铺首页'],
      },
      { title: '快递与打包人手安排', offset: -2, role: '仓储', labels: '物流' },
      {
        title: '活动前最终检查',
        offset: -1,
        role: '运营',
        priority: 3,
        time: '18:00',
        labels: '检查',
        checklist: ['价格', '库存', '优惠券', '页面'],
      },
      {
        title: '开团盯盘：流量与转化',
        offset: 0,
        role: '运营',
        priority: 3,
        time: '10:00',
        labels: '盯盘',
      },
      { title: '客服高峰值守', offset: 0, role: '客服主管', priority: 2, labels: '客服' },
      { title: '当日发货', offset: 0, role: '仓储', priority: 2, time: '23:00', labels: '物流' },
      { title: '售后与差评处理', offset: 1, role: '客服主管', labels: '售后' },
      {
        title: '活动数据复盘',
        offset: 3,
        role: '运营',
        labels: '复盘',
        checklist: ['GMV 与目标', '流量来源', '转化率', '新客占比'],
      },
    ],
  },
  {
    key: 'double11',
    name: '双11 大促',
    category: '服装',
    shopSize: 'large',
    description: '天猫双11 全流程：T 为 11 月 11 日。从备货、报名、预售、蓄水到正式开售与复盘。',
    tasks: [
      {
        title: '制定双11 目标与预算',
        offset: -45,
        role: '店长',
        priority: 3,
        labels: '规划',
        checklist: ['GMV 目标', '推广预算', '人员排班'],
      },
      { title: '确定主推款与备货计划', offset: -40, role: '运营', priority: 3, labels: '选品' },
      { title: '向工厂下补单', offset: -35, role: '仓储', priority: 2, labels: '库存' },
      { title: '双11 官方活动报名', offset: -30, role: '运营', priority: 3, labels: '报名' },
      { title: '确定价格体系与预售定金', offset: -28, role: '运营', priority: 2, labels: '价格' },
      {
        title: '会场与店铺首页设计',
        offset: -25,
        role: '美工',
        labels: '页面',
        checklist: ['首页', '会场页', '移动端'],
      },
      { title: '主推款主图与视频', offset: -22, role: '美工', labels: '主图' },
      { title: '达人与直播排期', offset: -21, role: '推广', labels: '直播' },
      { title: '优惠券、跨店满减与赠品设置', offset: -18, role: '运营', labels: '优惠' },
      { title: '会员专享权益与积分加倍', offset: -16, role: 'CRM', labels: '会员' },
      {
        title: '预售开始：盯盘与调整',
        offset: -14,
        role: '运营',
        priority: 3,
        time: '20:00',
        labels: '预售',
      },
      { title: '蓄水：推广加投', offset: -12, role: '推广', labels: '推广' },
      {
        title: '客服团队培训与话术',
        offset: -10,
        role: '客服主管',
        labels: '客服',
        checklist: ['预售规则', '尾款时间', '发货时效', '价保政策'],
      },
      { title: '临时客服与仓库人手到位', offset: -7, role: '店长', labels: '人员' },
      { title: '包材与快递运力确认', offset: -6, role: '仓储', labels: '物流' },
      { title: '会员群与短信提醒付尾款', offset: -2, role: 'CRM', labels: '私域' },
      {
        title: '大促前系统与页面检查',
        offset: -1,
        role: '运营',
        priority: 3,
        time: '20:00',
        labels: '检查',
        checklist: ['价格', '库存', '优惠券', '页面', '客服自动回复'],
      },
      {
        title: '开售盯盘：整点数据',
        offset: 0,
        role: '运营',
        priority: 3,
        time: '00:00',
        labels: '盯盘',
      },
      { title: '客服高峰值守', offset: 0, role: '客服主管', priority: 3, labels: '客服' },
      {
        title: '直播间开售场',
        offset: 0,
        role: '推广',
        priority: 2,
        time: '20:00',
        labels: '直播',
      },
      { title: '预售订单发货', offset: 1, role: '仓储', priority: 3, labels: '物流' },
      { title: '现货订单 48 小时内发货', offset: 2, role: '仓储', priority: 2, labels: '物流' },
      { title: '售后、退款与差评处理', offset: 3, role: '客服主管', labels: '售后' },
      { title: '新客入会与复购触达', offset: 5, role: 'CRM', labels: '会员' },
      {
        title: '双11 复盘会',
        offset: 7,
        role: '店长',
        labels: '复盘',
        checklist: ['目标达成', '流量与转化', '推广 ROI', '库存周转', '下次改进'],
      },
    ],
  },
  {
    key: 'member_day',
    name: '会员日',
    category: '美妆',
    shopSize: 'medium',
    description: '每月会员日：T 为会员日当天。会员专享价、积分加倍、私域触达与复购转化。',
    tasks: [
      {
        title: '确定会员日主题与目标',
        offset: -14,
        role: 'CRM',
        priority: 2,
        labels: '规划',
        checklist: ['目标 GMV', '目标复购人数', '预算'],
      },
      {
        title: '圈选目标会员分层',
        offset: -12,
        role: 'CRM',
        labels: '会员',
        checklist: ['高价值会员', '沉睡会员', '新入会会员'],
      },
      { title: '确定会员专享价与赠品', offset: -10, role: '运营', priority: 2, labels: '价格' },
      { title: '积分加倍与积分兑换商品设置', offset: -9, role: 'CRM', labels: '积分' },
      { title: '会员日海报与详情页', offset: -8, role: '美工', labels: '页面' },
      { title: '会员专享券配置', offset: -7, role: '运营', labels: '优惠' },
      {
        title: '短信与企业微信文案审核',
        offset: -6,
        role: 'CRM',
        labels: '私域',
        checklist: ['退订说明', '发送时段', '敏感词检查'],
      },
      { title: '客服会员日话术', offset: -5, role: '客服主管', labels: '客服' },
      { title: '第一轮预告触达', offset: -3, role: 'CRM', time: '12:00', labels: '私域' },
      { title: '门店导购会员邀约', offset: -2, role: '导购', labels: '门店' },
      {
        title: '活动前检查',
        offset: -1,
        role: '运营',
        priority: 3,
        time: '18:00',
        labels: '检查',
        checklist: ['价格', '券', '积分规则', '页面'],
      },
      {
        title: '当日触达：开场提醒',
        offset: 0,
        role: 'CRM',
        priority: 3,
        time: '09:30',
        labels: '私域',
      },
      { title: '会员日盯盘', offset: 0, role: '运营', priority: 2, labels: '盯盘' },
      { title: '未下单会员二次触达', offset: 0, role: 'CRM', time: '19:00', labels: '私域' },
      {
        title: '会员日复盘：复购率与积分消耗',
        offset: 2,
        role: 'CRM',
        labels: '复盘',
        checklist: ['参与会员数', '复购率', '客单价', '积分消耗', '退订率'],
      },
    ],
  },
  {
    key: 'campaign_review',
    name: '大促复盘',
    category: '通用',
    shopSize: 'small',
    description:
      '大促结束后的复盘流程：T 为复盘会当天。收集数据、各岗位自评、形成下次的改进清单并更新模板。',
    tasks: [
      { title: '导出大促期间订单与退款数据', offset: -5, role: '运营', labels: '数据' },
      {
        title: '整理流量来源与推广花费',
        offset: -5,
        role: '推广',
        labels: '数据',
        checklist: ['直通车', '引力魔方', '达人', '直播'],
      },
      { title: '库存与发货时效统计', offset: -4, role: '仓储', labels: '数据' },
      { title: '客服接待量、响应时长与差评汇总', offset: -4, role: '客服主管', labels: '数据' },
      { title: '新客与会员数据：入会、复购、积分', offset: -4, role: 'CRM', labels: '会员' },
      { title: '目标达成对比', offset: -3, role: '运营', priority: 2, labels: '分析' },
      { title: '推广 ROI 分析', offset: -3, role: '推广', labels: '分析' },
      { title: '页面与素材表现分析', offset: -3, role: '美工', labels: '分析' },
      {
        title: '各岗位自评：做得好的与问题',
        offset: -2,
        role: '店长',
        labels: '自评',
        checklist: ['运营', '美工', '客服', '仓储', '推广'],
      },
      { title: '整理复盘报告初稿', offset: -1, role: '运营', priority: 2, labels: '报告' },
      { title: '复盘会', offset: 0, role: '店长', priority: 3, time: '14:00', labels: '会议' },
      { title: '形成改进清单并指定负责人', offset: 0, role: '店长', priority: 2, labels: '改进' },
      {
        title: '更新活动模板',
        offset: 1,
        role: '运营',
        labels: '模板',
        description: '把本次的新做法、时间点和检查项更新到对应的模板里，另存为新模板。',
      },
      { title: '复盘报告归档与分享', offset: 2, role: '运营', labels: '报告' },
      { title: '改进项跟进检查', offset: 14, role: '店长', labels: '改进' },
    ],
  },
]
